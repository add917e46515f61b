"""Test overlay of jiuzhu.settings: tasks run at once, fast hashing, plain static files."""

import os

from .settings import *  # noqa: F403
from .settings import STORAGES

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The tests' households ask the demo source for verification (production default: off).
VERIFICATION_DEMO = True
# No audit anchor file shared by the tests' databases (the anchor tests set their own).
AUDIT_ANCHOR_FILE = ""
# Live-server threads must not keep connections open past a test (PostgreSQL would then
# refuse to drop the test database).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# A fixed SM4 data key (core.crypto) so that tests never create or read var/keys/.
os.environ.setdefault("JIUZHU_DATA_KEY", "00112233445566778899aabbccddeeff")
# The engine never asks the database for approved parameter sets (jiuzhu/policy) by itself
# (production: every 5 seconds): no test counts an extra query; a set is installed when its
# approval commits and removed after the test (jiuzhu/conftest.py).
JIUZHU_PARAMETERS_CHECK_SECONDS = None
