#!/usr/bin/env bash
# Deploys the CDK stack to a running LocalStack (npm run deploy:localstack).
#
# - Context localstack=true: S3 notifications go on the bucket itself (CDK's Custom::S3BucketNotifications does not
#   deploy on LocalStack's free edition, localstack/aws-cdk-local#88), and the bucket and table take the sandbox's
#   names (radar-ingest, radar), so the same `aws --endpoint-url http://127.0.0.1:4566 ...` commands work on both.
# - cdklocal's default endpoints use localhost.localstack.cloud, a public DNS name that does not resolve offline:
#   point both at 127.0.0.1 (an IP endpoint also makes the S3 client use path-style addressing).
# - The functions reach S3 and DynamoDB through the AWS_ENDPOINT_URL that LocalStack puts into the Lambda
#   environment; nothing here or in the stack hard-codes a host for them.
set -euo pipefail

cd "$(dirname "$0")/.."

EDGE="${LOCALSTACK_ENDPOINT:-http://127.0.0.1:4566}"
HEALTH="$EDGE/_localstack/health"

if ! curl -fsS --max-time 3 "$HEALTH" >/dev/null 2>&1; then
  cat >&2 <<EOF
LocalStack does not answer on $HEALTH.

Start it, then run this again. Either the last Community image that needs no auth token:

  docker run --rm -d --name localstack -p 4566:4566 \\
    -v /var/run/docker.sock:/var/run/docker.sock \\
    -e LAMBDA_IGNORE_ARCHITECTURE=1 \\
    localstack/localstack:4.14.0

or the current image, which since 23 March 2026 needs a (free) auth token from app.localstack.cloud:

  docker run --rm -d --name localstack -p 4566:4566 \\
    -v /var/run/docker.sock:/var/run/docker.sock \\
    -e LAMBDA_IGNORE_ARCHITECTURE=1 \\
    -e LOCALSTACK_AUTH_TOKEN=\$LOCALSTACK_AUTH_TOKEN \\
    localstack/localstack:latest

(The Docker socket lets LocalStack start Lambda containers; LAMBDA_IGNORE_ARCHITECTURE=1 runs the ARM64 functions
on an x86 host without emulation: their bundles are plain JavaScript.)
EOF
  exit 1
fi

export AWS_ENDPOINT_URL="$EDGE"
export AWS_ENDPOINT_URL_S3="$EDGE"
# LocalStack accepts any credentials; cdklocal drops other AWS_* variables (profiles etc.) so nothing reaches AWS.
export AWS_ACCESS_KEY_ID=test
export AWS_SECRET_ACCESS_KEY=test
export AWS_REGION="${AWS_REGION:-us-east-1}"
export AWS_DEFAULT_REGION="$AWS_REGION"
export AWS_ENVAR_ALLOWLIST="AWS_REGION,AWS_DEFAULT_REGION"

CDKLOCAL=(npx --no-install cdklocal)

echo "LocalStack is up at $EDGE; bootstrapping…"
"${CDKLOCAL[@]}" bootstrap -c localstack=true

echo "Deploying…"
"${CDKLOCAL[@]}" deploy --require-approval never -c localstack=true --outputs-file cdk.out/localstack-outputs.json

# The QueryUrl output names a host that does not resolve offline (…localhost.localstack.cloud) or at all (…127.0.0.1
# when LocalStack is addressed by IP): LocalStack routes Function URLs by the Host header on its edge, so the commands
# below send the request to the edge with that host (issue 13). `radar --api` does the same with either form.
QUERY_URL=$(node -e 'const o=require("./cdk.out/localstack-outputs.json");process.stdout.write(Object.values(o)[0].QueryUrl||"")')
URL_ID=$(printf '%s' "$QUERY_URL" | sed -E 's#^https?://([a-z0-9]+)\.lambda-url\.([a-z0-9-]+)\..*$#\1#')
URL_REGION=$(printf '%s' "$QUERY_URL" | sed -E 's#^https?://([a-z0-9]+)\.lambda-url\.([a-z0-9-]+)\..*$#\2#')
EDGE_PORT=$(node -e 'const u=new URL(process.argv[1]);process.stdout.write(u.port||"80")' "$EDGE")
FN_HOST="$URL_ID.lambda-url.$URL_REGION.localhost.localstack.cloud:$EDGE_PORT"

cat <<EOF

Deployed. Outputs are in cdk.out/localstack-outputs.json (QueryUrl: $QUERY_URL). Try, as pasted:
  aws --endpoint-url $EDGE s3 cp demo/articles/2026-03-02-shipping-sanctions.txt s3://radar-ingest/articles/2026-03-02-shipping-sanctions.txt
  curl -s -H 'Host: $FN_HOST' $EDGE/ingests
  curl -s -H 'Host: $FN_HOST' $EDGE/counts/countries
  npx radar counts countries --api $QUERY_URL
Check that the deployment works end to end (uploads, overwrites, deletes, a list, quarantine, the dead-letter queue):
  npm run test:localstack
EOF
