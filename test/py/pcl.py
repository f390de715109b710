"""What the boto3 workflow scripts share: clients per account, the control plane, and recording answers as JSON.

The scripts only record what boto3 returned; the TypeScript suites decide pass or fail. An exception a script
does not expect fails the script (a non-zero exit with the traceback on stderr).
"""
import json
import sys
import urllib.error
import urllib.request
from datetime import datetime, timezone

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def client(endpoint, account):
    """A boto3 client acting as `account` (a 12-digit access key id is that account), one attempt per call."""
    return boto3.client(
        "partnercentral-selling",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=account,
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def to_json(value):
    """Timestamps botocore parsed into datetimes, as UTC ISO strings with milliseconds."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    raise TypeError(f"not JSON serializable: {value!r}")


def strip(response):
    """The response without botocore's ResponseMetadata."""
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def error_of(pc, err):
    """A ClientError as botocore parsed it: its class (modeled or not) and the members AWS puts in the body."""
    code = err.response["Error"]["Code"]
    modeled = getattr(pc.exceptions, code, None)
    return {
        "class": type(err).__name__,
        "modeled": modeled is not None and isinstance(err, modeled),
        "code": code,
        "message": err.response["Error"].get("Message"),
        "status": err.response["ResponseMetadata"]["HTTPStatusCode"],
        "Reason": err.response.get("Reason"),
        "ErrorList": err.response.get("ErrorList"),
    }


def expect_error(pc, operation, **params):
    """Calls an operation that should fail and returns the error; a success is recorded as {"unexpected": …}."""
    try:
        result = getattr(pc, operation)(**params)
    except ClientError as err:
        return error_of(pc, err)
    return {"unexpected": strip(result)}


def pages(pc, operation, key, page_size, **params):
    """Every page of a botocore paginator: the ids (or items) on each page and whether a NextToken followed."""
    out = []
    for page in pc.get_paginator(operation).paginate(PaginationConfig={"PageSize": page_size}, **params):
        out.append({"items": page[key], "hasNextToken": "NextToken" in page})
    return out


def control(endpoint, method, path, body=None):
    """A control-plane call (/_emulator/…); answers (status, JSON body)."""
    data = None if body is None else json.dumps(body).encode("utf-8")
    req = urllib.request.Request(f"{endpoint}/_emulator/{path}", data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as res:
            return res.status, json.loads(res.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")


def control_ok(endpoint, method, path, body=None):
    status, answer = control(endpoint, method, path, body)
    if status >= 300:
        raise RuntimeError(f"{method} /_emulator/{path} answered {status}: {answer}")
    return answer


def emit(out):
    """Prints the recorded answers as one JSON object (the suites parse stdout)."""
    json.dump(out, sys.stdout, default=to_json)
