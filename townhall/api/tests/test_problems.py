"""Every error is an RFC 9457 problem: `application/problem+json` with type, title, status,
detail and a code, and for mistakes in a request each one with where it is."""

import pytest

pytestmark = pytest.mark.django_db

PROBLEM_MEMBERS = {"type", "title", "status", "detail", "code"}


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem.keys() >= PROBLEM_MEMBERS
    assert (problem["status"], problem["code"], problem["type"]) == (status, code, "about:blank")
    assert problem["detail"]
    return problem


def test_no_key_is_401_with_how_to_send_one(api):
    problem = assert_problem(api(None, "get", "/api/v1/cases/"), 401, "not_authenticated")

    assert problem["title"] == "Unauthorized"
    assert "Bearer" in problem["detail"]


@pytest.mark.parametrize("header", ["Bearer", "Bearer two parts", "Bearer \xff"])
def test_a_malformed_key_is_401(client, header):
    response = client.get("/api/v1/cases/", HTTP_AUTHORIZATION=header)

    assert_problem(response, 401, "authentication_failed")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_an_address_the_api_does_not_have_is_404(api, officer_key):
    assert_problem(api(officer_key, "get", "/api/v1/nothing-here/"), 404, "not_found")
    assert_problem(api(None, "get", "/api/v2/cases/"), 404, "not_found")


def test_a_record_that_is_not_there_is_404(api, officer_key):
    assert_problem(api(officer_key, "get", "/api/v1/cases/WX-NONE-HERE/"), 404, "not_found")
    assert_problem(api(officer_key, "get", "/api/v1/customers/not-a-number/"), 404, "not_found")


def test_a_method_an_endpoint_does_not_have_is_405(api, officer_key):
    response = api(officer_key, "delete", "/api/v1/services/")

    assert_problem(response, 405, "method_not_allowed")
    assert "DELETE" not in response["Allow"]


def test_mistakes_in_a_body_are_listed_by_json_pointer(api, officer_key, service):
    body = {"service": "blocked-drain", "answers": {}, "requester": {"email": "not-an-email"}}

    problem = assert_problem(api(officer_key, "post", "/api/v1/cases/", body), 400, "invalid")

    assert problem["errors"] == [
        {"pointer": "#/requester/email", "detail": "Enter a valid email address.", "code": "invalid"}
    ]


def test_mistakes_in_answers_point_at_each_question(api, officer_key, service):
    body = {"service": "blocked-drain", "answers": {"urgent": "perhaps", "colour": "red"}}

    problem = assert_problem(api(officer_key, "post", "/api/v1/cases/", body), 400, "invalid")

    assert {error["pointer"] for error in problem["errors"]} == {"#/answers/colour"}
    body["answers"] = {"urgent": "perhaps"}
    problem = assert_problem(api(officer_key, "post", "/api/v1/cases/", body), 400, "invalid")
    assert {error["pointer"] for error in problem["errors"]} == {"#/answers/details", "#/answers/urgent"}


def test_messages_are_in_plain_words(api, officer_key, customer):
    body = {"name": "x" * 201, "date_of_birth": "1 March 1980", "kind": "alien"}

    problem = assert_problem(api(officer_key, "patch", f"/api/v1/customers/{customer.pk}/", body), 400, "invalid")

    assert {e["pointer"]: e["detail"] for e in problem["errors"]} == {
        "#/name": "Must be 200 characters or fewer.",
        "#/date_of_birth": "Give a date as YYYY-MM-DD.",
        "#/kind": "“alien” is not one of the choices.",
    }


def test_mistakes_in_filters_name_the_parameter(api, officer_key):
    response = api(officer_key, "get", "/api/v1/cases/?updated_since=yesterday&assignee=me&status=submitted")

    problem = assert_problem(response, 400, "invalid")
    assert sorted(error["parameter"] for error in problem["errors"]) == ["assignee", "updated_since"]
    assert all("pointer" not in error for error in problem["errors"])


def test_a_body_that_is_not_json_is_refused(api, officer_key):
    assert_problem(
        api(officer_key, "post", "/api/v1/customers/", data="{broken", content_type="application/json"),
        400,
        "parse_error",
    )
    assert_problem(
        api(
            officer_key, "post", "/api/v1/customers/", data="name=Sam", content_type="application/x-www-form-urlencoded"
        ),
        415,
        "unsupported_media_type",
    )
