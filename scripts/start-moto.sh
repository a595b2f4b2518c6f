#!/usr/bin/env bash
# Starts moto_server (the EC2/IAM emulator) on 127.0.0.1 with SigV4 enforced,
# for kiln's amazon-ebs tests.
#
#   scripts/start-moto.sh STATE_DIR
#
# Picks a free port, starts moto through tests/fixtures/aws/moto_launcher.py
# (documented fidelity fixes, action log), then makes an IAM user with an
# allow-all policy and an access key through moto's own IAM API. moto counts
# requests: with INITIAL_NO_AUTH_ACTION_COUNT=3 the first three (CreateUser,
# PutUserPolicy, CreateAccessKey) go unchecked and every later request must
# be SigV4-signed with that key (a wrong secret gets AuthFailure /
# SignatureDoesNotMatch). Writes STATE_DIR/env (sourceable):
#   MOTO_PID MOTO_PORT MOTO_ENDPOINT MOTO_PYTHON AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
# and the logs STATE_DIR/moto.log (werkzeug request lines) and
# STATE_DIR/actions.log (one line per API call: time region Action key).
# Stop it with: kill "$MOTO_PID". Exit 2 when moto_server is not installed.
set -euo pipefail

state_dir=${1:?usage: start-moto.sh STATE_DIR}
mkdir -p "$state_dir"
root=$(cd "$(dirname "$0")/.." && pwd)

python=""
for candidate in /root/.pyenv/versions/3.11.7/bin/python3 python3.11 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import moto.server, boto3' 2>/dev/null; then
    python=$(command -v "$candidate")
    break
  fi
done
if [[ -z "$python" ]]; then
  echo "moto_server is not installed (no python with the moto and boto3 packages)" >&2
  exit 2
fi

port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"

INITIAL_NO_AUTH_ACTION_COUNT=3 MOTO_ACTION_LOG="$state_dir/actions.log" \
  setsid "$python" "$root/tests/fixtures/aws/moto_launcher.py" -H 127.0.0.1 -p "$port" \
  >"$state_dir/moto.log" 2>&1 </dev/null &
pid=$!

for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "$endpoint/moto-api/" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "moto_server exited:" >&2
    cat "$state_dir/moto.log" >&2
    exit 1
  fi
  sleep 0.1
done

# The IAM user every signed request runs as.
keys=$("$python" - "$endpoint" <<'PY'
import json, sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="kiln")
iam.put_user_policy(UserName="kiln", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
k = iam.create_access_key(UserName="kiln")["AccessKey"]
print(k["AccessKeyId"], k["SecretAccessKey"])
PY
) || { kill "$pid"; cat "$state_dir/moto.log" >&2; exit 1; }
read -r key secret <<<"$keys"
rm -f "$state_dir/actions.log"  # the bootstrap calls are not the client's

cat >"$state_dir/env" <<ENV
MOTO_PID=$pid
MOTO_PORT=$port
MOTO_ENDPOINT=$endpoint
MOTO_PYTHON=$python
AWS_ACCESS_KEY_ID=$key
AWS_SECRET_ACCESS_KEY=$secret
ENV
cat "$state_dir/env"
