"""Drives partnercentral-local with boto3 and prints what botocore made of each answer, as one JSON object.

Usage: python3 test/py/boto3_errors.py <endpoint>
Credentials and region come from the environment (the test sets AWS_ACCESS_KEY_ID=111111111111 etc.).
test/python-clients.test.ts asserts on the output; this script only observes, it never decides pass or fail.
"""
import json
import sys
from datetime import datetime, timezone

import boto3
from botocore.exceptions import ClientError


def describe_error(client, err):
    code = err.response["Error"]["Code"]
    modeled = getattr(client.exceptions, code, None)
    return {
        "class": type(err).__name__,
        "isModeledClass": modeled is not None and isinstance(err, modeled),
        "codeIsModeled": modeled is not None,
        "code": code,
        "errorMessage": err.response["Error"].get("Message"),
        "Message": err.response.get("Message"),
        "Reason": err.response.get("Reason"),
        "ErrorList": err.response.get("ErrorList"),
        "status": err.response["ResponseMetadata"]["HTTPStatusCode"],
        "requestId": err.response["ResponseMetadata"].get("RequestId"),
        "retryAttempts": err.response["ResponseMetadata"].get("RetryAttempts"),
        "str": str(err),
    }


def to_utc_iso(value):
    """Timestamps botocore parsed into datetimes, as UTC ISO strings (botocore may attach tzlocal)."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat()
    raise TypeError(f"not JSON serializable: {value!r}")


def call(client, operation, **params):
    try:
        result = getattr(client, operation)(**params)
    except ClientError as err:
        return {"error": describe_error(client, err)}
    metadata = result.pop("ResponseMetadata")
    return {
        "result": json.loads(json.dumps(result, default=to_utc_iso)),
        "status": metadata["HTTPStatusCode"],
        "requestId": metadata.get("RequestId"),
        "retryAttempts": metadata.get("RetryAttempts"),
    }


def main():
    endpoint = sys.argv[1]
    client = boto3.client("partnercentral-selling", endpoint_url=endpoint, region_name="us-east-1")
    out = {
        "validation": call(client, "get_opportunity", Catalog="Sandbox", Identifier="bad"),
        "severalErrors": call(
            client, "list_engagement_invitations", Catalog="Sandbox", ParticipantType="BOGUS", Status=["PENDING", "NOPE"]
        ),
        "badCatalog": call(client, "list_opportunities", Catalog="Foo"),
        "unknownOpportunity": call(client, "get_opportunity", Catalog="Sandbox", Identifier="O1234567890"),
        "notImplemented": call(client, "list_solutions", Catalog="Sandbox"),
        "unitOutput": call(client, "submit_opportunity", Catalog="Sandbox", Identifier="O1", InvolvementType="Co-Sell"),
        "modeledOutput": call(client, "get_engagement", Catalog="Sandbox", Identifier="eng-abcdefghij0123"),
    }
    # Modeled exception classes botocore knows for this service, to check against the error codes above.
    out["modeledExceptions"] = sorted(
        name for name in dir(client.exceptions) if name.endswith("Exception") and not name.startswith("_") and name != "ClientError"
    )
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
