#!/usr/bin/env bash
# Validates deploy/: the systemd units with systemd-analyze verify, every YAML file by parsing it (yq), and
# the Kubernetes manifests, docker-compose.yml and the topic definitions by structural rules (jq) that would
# otherwise fail only at deploy time. Exits non-zero naming the file and the rule.
#   tests/deploy/deploy_check.sh [REPO]
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
deploy=$root/deploy
failures=0
fail() { echo "deploy_check: $*" >&2; failures=$((failures + 1)); }

processes=(archive-api prereview-worker import-worker deadline-worker reminder-worker outbox-relay)

# systemd: verify the units as installed, with stand-ins for the binaries they start.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/units" "$tmp/bin"
for p in "${processes[@]}" archivectl; do
  printf '#!/bin/sh\nexit 0\n' >"$tmp/bin/$p"
  chmod +x "$tmp/bin/$p"
done
for p in "${processes[@]}"; do
  [ -f "$deploy/systemd/$p.service" ] || fail "deploy/systemd/$p.service is missing"
done
for f in archive-sweep.service archive-sweep.timer; do
  [ -f "$deploy/systemd/$f" ] || fail "deploy/systemd/$f is missing"
done
for f in "$deploy"/systemd/*.service "$deploy"/systemd/*.timer; do
  sed "s|/opt/league-archive/bin/|$tmp/bin/|g" "$f" >"$tmp/units/$(basename "$f")"
done
if ! out=$(cd "$tmp/units" && systemd-analyze verify --man=no ./*.service ./*.timer 2>&1) || [ -n "$out" ]; then
  fail "systemd-analyze verify: $out"
fi

# YAML: everything parses. Each file is converted to JSON once (yq is slow to start); jq checks the JSON.
yaml_files=()
while IFS= read -r f; do yaml_files+=("$f"); done < <(find "$deploy" -name '*.yaml' -o -name '*.yml' | sort)
mkdir -p "$tmp/json"
json() { echo "$tmp/json/$(echo "${1#"$deploy"/}" | tr / _).json"; }
for f in "${yaml_files[@]}"; do
  yq -c . "$f" >"$(json "$f")" 2>"$tmp/err" || fail "$f is not valid YAML: $(cat "$tmp/err")"
done

# Kubernetes: every object is named, namespaced and typed; workloads probe /healthz and /readyz.
k8s=$deploy/k8s
check() {  # file jq-expression message: the expression must print nothing
  local bad
  bad=$(jq -c "$2" "$(json "$1")" 2>&1) || { fail "$1: $2: $bad"; return; }
  [ -z "$bad" ] || fail "$1: $3: $bad"
}
for f in "$k8s"/*.yaml; do
  [ "$(basename "$f")" = kustomization.yaml ] && continue
  check "$f" 'select(. != null) | select((.apiVersion | type) != "string" or (.kind | type) != "string"
    or (.metadata.name | type) != "string") | .metadata.name // "?"' "an object lacks apiVersion, kind or metadata.name"
  check "$f" 'select(. != null and .kind != "Namespace") | select(.metadata.namespace == null) | .metadata.name' \
    "an object has no namespace"
  check "$f" 'select(.kind == "Deployment") | select(.spec.selector.matchLabels as $m
    | .spec.template.metadata.labels | contains($m) | not) | .metadata.name' "the selector does not match the pod labels"
  check "$f" 'select(.kind == "Deployment" or .kind == "CronJob")
    | (.spec.template.spec.containers // .spec.jobTemplate.spec.template.spec.containers)[]
    | select(.image == null or .resources.requests == null or .resources.limits.memory == null) | .name' \
    "a container lacks an image, resource requests or a memory limit"
  check "$f" 'select(.kind == "Deployment") | .spec.template.spec.containers[]
    | select(.livenessProbe.httpGet.path != "/healthz" or .readinessProbe.httpGet.path != "/readyz") | .name' \
    "a worker must be probed on /healthz (liveness) and /readyz (readiness)"
  check "$f" 'select(.kind == "CronJob") | select(.spec.schedule == null or .spec.concurrencyPolicy != "Forbid")
    | .metadata.name' "a CronJob needs a schedule and concurrencyPolicy Forbid"
done
for p in "${processes[@]}"; do
  [ "$(jq -r 'select(.kind == "Deployment") | .metadata.name' "$(json "$k8s/$p.yaml")" 2>/dev/null)" = "$p" ] ||
    fail "deploy/k8s/$p.yaml has no Deployment named $p"
done
for r in $(jq -r '.resources[]' "$(json "$k8s/kustomization.yaml")"); do
  [ -f "$k8s/$r" ] || fail "kustomization.yaml lists $r, which does not exist"
done

# Topics: Kubernetes defines the same topics as topics.conf, and no autoscaler outgrows its topic.
conf_topics=$(awk '!/^#/ && NF { print $1 }' "$deploy/kafka/topics.conf" | sort)
k8s_topics=$(jq -r 'select(.kind == "KafkaTopic") | .metadata.name' "$(json "$k8s/kafka-topics.yaml")" | sort)
[ "$conf_topics" = "$k8s_topics" ] ||
  fail "kafka-topics.yaml and topics.conf define different topics: $(diff <(echo "$conf_topics") <(echo "$k8s_topics") | tr '\n' ' ')"
while read -r name topic max; do
  partitions=$(jq -r --arg t "$topic" 'select(.kind == "KafkaTopic" and .metadata.name == $t) | .spec.partitions' \
    "$(json "$k8s/kafka-topics.yaml")")
  [ -n "$partitions" ] || { fail "ScaledObject $name reads $topic, which kafka-topics.yaml does not define"; continue; }
  [ "$max" -le "$partitions" ] || fail "ScaledObject $name scales to $max replicas but $topic has $partitions partitions"
  [ -f "$k8s/$name.yaml" ] || fail "ScaledObject $name targets no Deployment"
done < <(jq -r 'select(.kind == "ScaledObject") | "\(.spec.scaleTargetRef.name) \(.spec.triggers[0].metadata.topic) \(.spec.maxReplicaCount)"' \
  "$(json "$k8s/keda-scaledobjects.yaml")")

# docker-compose.yml: the official images.
check "$deploy/docker-compose.yml" 'select((.services.postgres.image | startswith("postgres:") | not)
  or (.services.kafka.image | startswith("apache/kafka:") | not)) | "images"' \
  "docker-compose.yml must use the official postgres and apache/kafka images"

if [ "$failures" -gt 0 ]; then
  echo "deploy_check: $failures problems" >&2
  exit 1
fi
echo "deploy_check: ${#processes[@]} services, the sweep timer, ${#yaml_files[@]} YAML files and the topic sizes are valid"
