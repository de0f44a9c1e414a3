"""What the generated OpenAPI schema says beyond what the views declare: how to send the
key, and the problem details every operation may answer with."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from townhall.api.problems import PROBLEM_JSON

PROBLEMS = {
    "400": "Something sent is not right: each mistake is listed in `errors`.",
    "401": "No API key was sent, or it is not recognised (it may have been revoked).",
    "403": "The key may not do this: a scope is missing, or the person it acts for may not.",
    "404": "There is no such record, or the person the key acts for may not see it.",
    "429": "The key's requests this minute are spent: wait `Retry-After` seconds.",
}


class ProblemErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    pointer = serializers.CharField(required=False, help_text="Where in the body sent, as a JSON pointer.")
    parameter = serializers.CharField(required=False, help_text="Which query parameter.")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(help_text="What went wrong, in a word to test for, e.g. `stale_version`.")
    errors = ProblemErrorSerializer(many=True, required=False)


class ProblemAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403", "429"]
        if "{" in self.path:
            codes.append("404")
        if self.method != "GET" or self._is_list_view():
            codes.append("400")
        codes += [code for code in responses if code.startswith("4")]
        for code in codes:
            problem = self._get_response_for_code(ProblemSerializer, code, [PROBLEM_JSON], direction)
            responses[code] = {**problem, "description": responses.get(code, {}).get("description") or PROBLEMS[code]}
        return responses


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "townhall.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key that acts for a member of staff, issued by a council administrator.",
        }
