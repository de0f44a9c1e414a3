"""The waste pages, a module per flow: `bins` (bin days), `missed` (missed collections),
`crews` (the crews' own pages)."""
