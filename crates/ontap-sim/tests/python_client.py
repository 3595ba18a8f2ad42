#!/usr/bin/env python3
"""Drives ontap-sim with NetApp's own Python client (netapp-ontap, used unchanged), the way it
drives a cluster: list, count, find, get, patch (NetApp's documented example), post and delete
TOTP profiles, with basic authentication and with an OAuth 2.0 bearer token.

usage: python_client.py --port PORT [--host 127.0.0.1] [--token TOKEN_FOR_JDOE]

The emulator must run the demo cluster on ONTAP 9.18 (DELETE still supported) and, for the
bearer step, accept TOKEN for the account jdoe (--token jdoe=TOKEN). Exit status 0 when every
check passes; each check prints one line.
"""

import argparse
import base64
import hashlib
import hmac
import struct
import sys
import time
import urllib.parse

from netapp_ontap import HostConnection, config
from netapp_ontap.error import NetAppRestError
from netapp_ontap.resources import Account, Cluster, Svm, Totp

VS_ENG_UUID = "1b0f6a2e-5c30-11ee-8f4a-005056bb1a02"
ADMIN_SVM_UUID = "e6d3b0a8-5c2f-11ee-8f4a-005056bb1a01"
PASSWORD = "Netapp1!"

checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        print(f"FAIL {what}")
        sys.exit(1)
    print(f"ok   {what}")


def totp_code(secret_b32, t):
    """RFC 6238 with SHA-1, 6 digits, 30 s: an implementation independent of the emulator's."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(t) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1000000:06d}"


def connection(args, user=None, token=None):
    if token:
        return HostConnection(args.host, port=args.port, scheme="http", verify=False,
                              headers={"Authorization": f"Bearer {token}"})
    return HostConnection(args.host, username=user, password=PASSWORD, port=args.port,
                          scheme="http", verify=False)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--token")
    args = p.parse_args()
    config.RETRY_API_ON_ERROR = False

    with connection(args, "admin"):
        cluster = Cluster()
        cluster.get(fields="name,uuid,version")
        check(cluster.version.generation == 9 and cluster.version.major >= 13,
              f"Cluster.get: {cluster.name} {cluster.version.full}")
        svms = {s.name: s.uuid for s in Svm.get_collection()}
        check(svms.get("vs_eng") == VS_ENG_UUID, "Svm.get_collection lists vs_eng")

        everything = list(Totp.get_collection())
        count = Totp.count_collection()
        check(len(everything) == count and count >= 26,
              f"Totp.get_collection lists {len(everything)} profiles = count_collection")
        check(all(hasattr(t, "owner") and hasattr(t, "account") for t in everything),
              "records carry the key fields")
        paged = list(Totp.get_collection(max_records=4, fields="comment,enabled"))
        keys = [(t.owner.uuid, t.account.name) for t in paged]
        check(len(keys) == count and len(set(keys)) == count,
              "paging with max_records=4 follows _links.next to every record exactly once")
        check(all(isinstance(t.enabled, bool) for t in paged), "fields=comment,enabled adds them")
        disabled = list(Totp.get_collection(enabled=False, fields="enabled"))
        check(disabled and all(t.enabled is False for t in disabled),
              f"filter enabled=false: {len(disabled)} profiles")
        wild = list(Totp.get_collection(**{"account.name": "k*|m*", "owner.name": "!vs_fin"}))
        check(wild and all(t.account.name[0] in "km" for t in wild),
              f"filter account.name=k*|m*, owner.name=!vs_fin: {len(wild)} profiles")
        ordered = [t.account.name for t in Totp.get_collection(order_by="account.name desc")]
        check(ordered == sorted(ordered, reverse=True), "order_by=account.name desc")

        found = Totp.find(**{"account.name": "kpatel", "owner.uuid": VS_ENG_UUID})
        check(found is not None and found.account.name == "kpatel", "Totp.find")
        one = Totp(**{"owner.uuid": VS_ENG_UUID, "account.name": "kpatel"})
        one.get()
        check(one.comment == "Authy on personal phone" and one.enabled is True, "Totp.get")

        # NetApp's documented PATCH example: no get first, comment and enabled set.
        resource = Totp(**{"account.name": "kpatel", "owner.uuid": VS_ENG_UUID})
        resource.comment = "Testing"
        resource.enabled = False
        resource.patch()
        again = Totp(**{"owner.uuid": VS_ENG_UUID, "account.name": "kpatel"})
        again.get(fields="comment,enabled")
        check(again.comment == "Testing" and again.enabled is False,
              "Totp.patch (NetApp's example) applied comment and enabled")
        again.enabled = True
        again.patch()
        again.get()
        check(again.enabled is True, "Totp.patch after a get")

        try:
            Totp(**{"account.name": "alice", "owner.uuid": VS_ENG_UUID}).post()
            check(False, "an admin creating alice's profile is refused")
        except NetAppRestError as e:
            check(e.status_code == 403 and e.response_body["error"]["code"] == "6691623",
                  "an admin creating alice's profile is refused (403 6691623)")
        try:
            Totp(**{"owner.uuid": VS_ENG_UUID, "account.name": "nobody"}).get()
            check(False, "an absent profile is an error")
        except NetAppRestError as e:
            check(e.status_code == 404, "an absent profile is 404")

        # netapp-ontap sends the keyword arguments of patch() as query parameters: restating
        # the account's keys there is what netapp.ontap's na_ontap_user does (patch_account).
        bob = Account(name="bob", owner={"uuid": VS_ENG_UUID})
        bob.get()
        bob.locked = True
        bob.patch(**{"name": "bob", "owner.uuid": VS_ENG_UUID})
        bob.get(fields="locked")
        check(bob.locked is True, "Account.patch with the keys restated in its query")
        try:
            bob.locked = False
            bob.patch(**{"name": "alice"})
            check(False, "a query key that contradicts the path is refused")
        except NetAppRestError as e:
            check(e.status_code == 404, "a query key that contradicts the path is refused (404)")

        # na_ontap_user's modify_apps_rest body, verbatim in form: role.name dotted. The
        # resources unflatten dotted names themselves, so it goes through the client's own
        # session, as the collection's rest_generic sends it.
        session = HostConnection.get_host_context().session
        url = f"http://{args.host}:{args.port}/api/security/accounts/{VS_ENG_UUID}/bob"
        reply = session.patch(url, params={"name": "bob", "owner.uuid": VS_ENG_UUID}, json={
            "role.name": "vsadmin-readonly",
            "applications": [
                {"application": "http", "authentication_methods": ["password"]},
                {"application": "ssh", "authentication_methods": ["password"],
                 "second_authentication_method": "totp"},
            ],
        })
        bob.get()
        ssh = [a for a in bob.applications if a.application == "ssh"]
        check(reply.status_code == 200 and bob.role.name == "vsadmin-readonly"
              and ssh and ssh[0].second_authentication_method == "totp",
              "na_ontap_user's PATCH: role.name dotted, keys restated in the query")

    with connection(args, "alice"):
        created = Totp(account={"name": "alice"}, owner={"uuid": VS_ENG_UUID}, comment="phone")
        created.post(return_records="true")
        check(created.owner.uuid == VS_ENG_UUID and created.account.name == "alice",
              "Totp.post sets the keys from the Location header")
        body = created._last_response.http_response.json()
        record = body["records"][0]
        secret = record["secret_key"]
        now = time.time()
        codes = {totp_code(secret, now + d) for d in (-30, 0, 30)}
        check(len(base64.b32decode(secret + "=" * (-len(secret) % 8))) == 20,
              "secret_key is 160 bits of base32")
        check(record["verification_code"] in codes,
              "verification_code is the RFC 6238 code of the secret")
        chl = urllib.parse.unquote(record["install_url"].split("chl=", 1)[1])
        check(chl.startswith("otpauth://totp/") and f"secret={secret}" in chl,
              "install_url carries an otpauth://totp/ URI with the secret")
        check(len(record["emergency_codes"]) == 5 and
              all(len(c) == 8 and c.isdigit() for c in record["emergency_codes"]),
              "five 8-digit emergency codes")
        check(record["sha_fingerprint"] == hashlib.sha256(
            base64.b32decode(secret + "=" * (-len(secret) % 8))).hexdigest(),
              "sha_fingerprint is derived from the secret")
        mine = Totp(**{"owner.uuid": VS_ENG_UUID, "account.name": "alice"})
        mine.get()
        check(mine.enabled is True and mine.comment == "phone", "the new profile reads back")
        try:
            Totp(account={"name": "alice"}, owner={"name": "vs_eng"}).post()
            check(False, "a second profile is a duplicate")
        except NetAppRestError as e:
            check(e.status_code == 409, "a second enabled profile is a duplicate (409)")
        mine.delete()
        check(Totp.count_collection(**{"account.name": "alice"}) == 0,
              "Totp.delete removes alice's own profile (9.18)")

    if args.token:
        with connection(args, token=args.token):
            mine = Totp(**{"owner.uuid": ADMIN_SVM_UUID, "account.name": "jdoe"})
            mine.get()
            check(mine.account.name == "jdoe", "a bearer token signs in (OAuth 2.0 path)")
        try:
            with connection(args, token="eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.x"):
                Totp.count_collection()
                list(Totp.get_collection())
            check(False, "an unknown token is refused")
        except NetAppRestError as e:
            check(e.status_code == 401, "an unknown bearer token is 401")

    print(f"{checks} passed, 0 failed")


if __name__ == "__main__":
    main()
