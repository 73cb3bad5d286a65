#!/bin/sh
# Demo one_shot_read job for opsd: a read-only check that always passes.
# A real check prints "ALERT: ..." or "ACTION REQUIRED: ..." (or exits non-zero) to be reported.
set -eu
echo "HEALTH_OK"
