"""The service builder: council administrators configure services here, without code.
One module a concept; `common` holds what they share."""
