"""Smoke of `make run`: wait for /healthz, log in, fetch the demo incident grid."""

import http.cookiejar
import json
import re
import sys
import time
import urllib.parse
import urllib.request

base, username, password = sys.argv[1:4]
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

deadline = time.monotonic() + 300
while True:
    try:
        with opener.open(f"{base}/healthz", timeout=5) as response:
            health = json.load(response)
            break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("make run did not answer /healthz within 300 s")
        time.sleep(1)
print("healthz:", health)

login_page = opener.open(f"{base}/accounts/login/").read().decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
form = urllib.parse.urlencode(
    {
        "username": username,
        "password": password,
        "csrfmiddlewaretoken": token,
        "next": "/incidents/",
    }
).encode()
listing = opener.open(f"{base}/accounts/login/", data=form).read().decode()
incident = re.search(r'href="(/incidents/\d+/)"', listing)
if not incident:
    sys.exit("login failed or the incident list is empty")
grid = opener.open(f"{base}{incident.group(1)}").read().decode()
sides = re.findall(r'<th scope="col" data-side="([^"]+)"', grid)
aspects = re.findall(r'<tr data-aspect="([^"]+)"', grid)
print(f"demo incident {incident.group(1)}: sides={sides} aspects={aspects}")
if sides != ["Armenia", "Azerbaijan"] or len(aspects) < 4:
    sys.exit("the demo grid is not what it should be")
