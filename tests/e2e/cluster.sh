#!/usr/bin/env bash
# A local, fake-node Kubernetes control plane for the end-to-end tests, built from the toolchain of toolchain.sh:
# etcd + kube-apiserver + kube-controller-manager + kube-scheduler + kwok, all on 127.0.0.1, in one state directory.
#
#   tests/e2e/cluster.sh start    start it (idempotent: a healthy running cluster is left alone), wait until healthy
#   tests/e2e/cluster.sh status   report each process and health endpoint; exit 0 only when all are healthy
#   tests/e2e/cluster.sh stop     stop the processes this script started (by recorded pid) and remove the state dir
#   tests/e2e/cluster.sh env      print `export KUBECONFIG=...` for eval
#
# What the cluster is:
# - Certificates: a throw-away CA made with openssl; the API server's serving cert covers 127.0.0.1/localhost and the
#   in-cluster names; every client (admin, controller-manager, scheduler, kwok) authenticates with a client cert.
#   Service-account tokens are signed with a generated RSA key. etcd listens on plain HTTP on 127.0.0.1.
# - Nodes: Node objects faked by kwok (kwok creates no Nodes: this script does). Default: two nodes of 8 CPU / 16Gi
#   (minikube-like); e2e-gpu-1 also has nvidia.com/gpu: 1, label nvidia.com/gpu.present=true and taint
#   nvidia.com/gpu=present:NoSchedule. Replace them with E2E_NODES_FILE=<yaml with Node objects>. Nodes made here carry
#   the label llm-platform/e2e-node=true, by which tests/e2e/nodes.ts replaceNodes finds (and resizes) them.
# - kwok stages (from the kwok module, copied by toolchain.sh): nodes become Ready and keep leases; pods are bound by
#   kube-scheduler and then become Running/Ready at once; pods owned by a Job complete (Succeeded); deleted pods go away.
#   Project stages (kwok-stages/ beside this script): LoadBalancer Services and Ingresses get
#   status.loadBalancer.ingress = 127.0.0.1, as `minikube tunnel` would give.
# - Storage: a default StorageClass "standard" (as minikube's; E2E_STORAGE_CLASS to rename) with provisioner
#   kwok.x-k8s.io/volume and volumeBindingMode Immediate. kwok's own volume stages (volume/fast) act as its provisioner:
#   a pending PVC of that class gets a hostPath PV created and bound (nothing is ever written to the path), and the PV
#   is deleted after the claim goes away. No loop outside kwok is needed.
# - Network safety: pod IPs (10.244.0.0/16) are placeholders that nothing can reach. The API server's "cluster"
#   egress (kubelet logs/exec, pods|services/proxy, admission webhooks, aggregated APIs) goes through an egress
#   selector to a unix socket that does not exist, so such calls fail at once and never leave this machine.
#
# Environment: E2E_CLUSTER_DIR (state dir, default ${TMPDIR:-/tmp}/llm-platform-e2e-cluster), E2E_PORT_BASE (default
# 26400: etcd +79/+80, apiserver +43, controller-manager +57, scheduler +59, kwok +47), E2E_NODES_FILE,
# E2E_STORAGE_CLASS, E2E_START_TIMEOUT (seconds the API server may take to become ready, default 120), LLM_PLATFORM_E2E_TOOLCHAIN (toolchain dir; default
# the one toolchain.sh --print-dir names).
set -Eeuo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DIR="${E2E_CLUSTER_DIR:-${TMPDIR:-/tmp}/llm-platform-e2e-cluster}"
PORT_BASE="${E2E_PORT_BASE:-26400}"
ETCD_PORT=$((PORT_BASE + 79))
ETCD_PEER_PORT=$((PORT_BASE + 80))
API_PORT=$((PORT_BASE + 43))
KCM_PORT=$((PORT_BASE + 57))
SCHED_PORT=$((PORT_BASE + 59))
KWOK_PORT=$((PORT_BASE + 47))
STORAGE_CLASS="${E2E_STORAGE_CLASS:-standard}"
START_TIMEOUT="${E2E_START_TIMEOUT:-120}"
SERVICE_CIDR=10.96.0.0/16
POD_CIDR=10.244.0.0/16
COMPONENTS="etcd kube-apiserver kube-controller-manager kube-scheduler kwok"

die() { echo "cluster.sh: ERROR: $*" >&2; exit 1; }
log() { echo "cluster.sh: $*" >&2; }

load_toolchain() {
  local tc="${LLM_PLATFORM_E2E_TOOLCHAIN:-}"
  if [[ -z "$tc" ]]; then tc="$("$HERE/toolchain.sh" --print-dir)"; fi
  [[ -f "$tc/env.sh" ]] || die "no toolchain at $tc (env.sh missing): run tests/e2e/toolchain.sh first"
  # shellcheck disable=SC1091
  source "$tc/env.sh"
  local b
  for b in etcd kube-apiserver kube-controller-manager kube-scheduler kwok kubectl; do
    [[ -x "$tc/bin/$b" ]] || die "$tc/bin/$b missing: run tests/e2e/toolchain.sh"
  done
  [[ -d "${KWOK_STAGE_DIR:-}" ]] || die "kwok stage dir missing: run tests/e2e/toolchain.sh"
  command -v openssl >/dev/null || die "openssl is needed (apt-get install openssl)"
  command -v curl >/dev/null || die "curl is needed (apt-get install curl)"
  TCBIN="$tc/bin"
}

kc() { kubectl --kubeconfig "$DIR/kubeconfig" "$@"; }

# ---------------------------------------------------------------------------------------------------------------------
# Processes: started with setsid (own process group), pid recorded in $DIR/pids/<name>; only those pids are signalled,
# and only while /proc/<pid>/exe is still the binary we started.
pid_of() {
  local f="$DIR/pids/$1" pid exe
  [[ -f "$f" ]] || return 1
  read -r pid exe <"$f"
  [[ -n "$pid" && -d "/proc/$pid" ]] || return 1
  [[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" == "$exe" ]] || return 1
  echo "$pid"
}

launch() { # NAME BINARY ARGS...
  local name=$1 bin=$2; shift 2
  local exe; exe=$(readlink -f "$bin")
  setsid "$exe" "$@" >>"$DIR/logs/$name.log" 2>&1 </dev/null &
  echo "$! $exe" >"$DIR/pids/$name"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # DESCRIPTION TIMEOUT_SECONDS COMMAND...
  local what=$1 timeout=$2; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then return 1; fi
    check_alive || return 1
    sleep 0.5
  done
  log "  $what: ok (${SECONDS}s)"
}

check_alive() { # every component that has a pid file must still run
  local c
  for c in $COMPONENTS; do
    if [[ -f "$DIR/pids/$c" ]] && ! pid_of "$c" >/dev/null; then
      echo "cluster.sh: $c exited; last lines of $DIR/logs/$c.log:" >&2
      tail -n 25 "$DIR/logs/$c.log" >&2 || true
      return 1
    fi
  done
}

# ---------------------------------------------------------------------------------------------------------------------
gen_certs() {
  local p="$DIR/pki"
  mkdir -p "$p"
  (
    cd "$p"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 30 -subj "/CN=llm-platform-e2e-ca" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
    cat >apiserver.ext <<EOF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >client.ext
    sign() { # NAME SUBJECT EXTFILE
      openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "$2"
      openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days 30 -extfile "$3"
    }
    sign apiserver "/CN=kube-apiserver" apiserver.ext
    sign admin "/O=system:masters/CN=kubernetes-admin" client.ext
    sign controller-manager "/CN=system:kube-controller-manager" client.ext
    sign scheduler "/CN=system:kube-scheduler" client.ext
    sign kwok "/O=system:masters/CN=kwok-controller" client.ext
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
    rm -f ./*.csr
  ) >"$DIR/logs/openssl.log" 2>&1 || { cat "$DIR/logs/openssl.log" >&2; die "certificate generation failed"; }
}

write_kubeconfig() { # FILE CLIENT_CERT_NAME
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: llm-platform-e2e
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $DIR/pki/ca.crt
users:
- name: $2
  user:
    client-certificate: $DIR/pki/$2.crt
    client-key: $DIR/pki/$2.key
contexts:
- name: llm-platform-e2e
  context:
    cluster: llm-platform-e2e
    user: $2
current-context: llm-platform-e2e
EOF
}

write_configs() {
  write_kubeconfig "$DIR/kubeconfig" admin
  write_kubeconfig "$DIR/controller-manager.kubeconfig" controller-manager
  write_kubeconfig "$DIR/scheduler.kubeconfig" scheduler
  write_kubeconfig "$DIR/kwok.kubeconfig" kwok

  # All "cluster" egress of the API server (to kubelets, pods, services, webhooks, aggregated APIs) is sent to a unix
  # socket that never exists: those calls fail at once instead of sending packets to the fake pod/node addresses.
  cat >"$DIR/egress-selector.yaml" <<EOF
apiVersion: apiserver.k8s.io/v1beta1
kind: EgressSelectorConfiguration
egressSelections:
- name: cluster
  connection:
    proxyProtocol: HTTPConnect
    transport:
      uds:
        udsName: $DIR/no-cluster-egress.sock
EOF

  # kwok stages: upstream node/pod/volume stages (volume ones retargeted to our storage class) + project stages.
  local s="$KWOK_STAGE_DIR" f
  {
    for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
      pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
      cat "$s/$f"; echo "---"
    done
    for f in volume/fast/pvc-provision.yaml volume/fast/pv-bind.yaml volume/fast/pv-delete.yaml \
      volume/fast/pvc-delete.yaml; do
      sed "s/'kwok-volume'/'$STORAGE_CLASS'/g" "$s/$f"; echo "---"
    done
    for f in "$HERE"/kwok-stages/*.yaml; do cat "$f"; echo "---"; done
  } >"$DIR/kwok-stages.yaml"
  grep -q "'$STORAGE_CLASS'" "$DIR/kwok-stages.yaml" || die "could not retarget kwok volume stages to $STORAGE_CLASS"
}

default_nodes() {
  local name gpu
  for name in e2e-cpu-1 e2e-gpu-1; do
    gpu=false; [[ "$name" == *gpu* ]] && gpu=true
    cat <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: $name
    topology.kubernetes.io/zone: e2e-a
    llm-platform/e2e-node: "true"
$($gpu && echo '    nvidia.com/gpu.present: "true"')
spec:
$($gpu && printf '  taints:\n  - key: nvidia.com/gpu\n    value: present\n    effect: NoSchedule\n')
status:
  allocatable: {cpu: "8", memory: 16Gi, ephemeral-storage: 100Gi, pods: "110"$($gpu && echo ', nvidia.com/gpu: "1"')}
  capacity: {cpu: "8", memory: 16Gi, ephemeral-storage: 100Gi, pods: "110"$($gpu && echo ', nvidia.com/gpu: "1"')}
  nodeInfo: {architecture: amd64, operatingSystem: linux, kubeletVersion: $E2E_K8S_VERSION}
---
EOF
  done
}

# ---------------------------------------------------------------------------------------------------------------------
healthy() { # all processes alive and every health endpoint answers ok
  local c
  for c in $COMPONENTS; do pid_of "$c" >/dev/null || return 1; done
  curl -fsS "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"' &&
    kc get --raw /readyz >/dev/null &&
    curl -fsSk "https://127.0.0.1:$KCM_PORT/healthz" | grep -q ok &&
    curl -fsSk "https://127.0.0.1:$SCHED_PORT/healthz" | grep -q ok &&
    curl -fsS "http://127.0.0.1:$KWOK_PORT/healthz" | grep -q ok
}

cmd_start() {
  load_toolchain
  if [[ -d "$DIR/pids" ]]; then
    if healthy; then
      log "already running and healthy: $DIR"
      echo "export KUBECONFIG=$DIR/kubeconfig"
      return 0
    fi
    log "stale or unhealthy cluster state in $DIR: stopping it first"
    cmd_stop
  fi
  local port
  for port in $ETCD_PORT $ETCD_PEER_PORT $API_PORT $KCM_PORT $SCHED_PORT $KWOK_PORT; do
    port_busy "$port" && die "port 127.0.0.1:$port is in use (set E2E_PORT_BASE to move all ports)"
  done
  local t0=$SECONDS
  rm -rf "$DIR"
  mkdir -p "$DIR"/{pids,logs,etcd-data}
  chmod 700 "$DIR"
  log "state dir: $DIR"
  trap 'echo "cluster.sh: start failed; logs are in $DIR/logs (run: cluster.sh stop)" >&2' ERR
  gen_certs
  write_configs

  launch etcd "$TCBIN/etcd" --name e2e --data-dir "$DIR/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "e2e=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state new \
    --unsafe-no-fsync --snapshot-count 10000 --log-level warn
  wait_for "etcd" 30 sh -c "curl -fsS http://127.0.0.1:$ETCD_PORT/health | grep -q '\"health\":\"true\"'" ||
    die "etcd did not become healthy"

  launch kube-apiserver "$TCBIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$API_PORT" \
    --endpoint-reconciler-type none \
    --tls-cert-file "$DIR/pki/apiserver.crt" --tls-private-key-file "$DIR/pki/apiserver.key" \
    --client-ca-file "$DIR/pki/ca.crt" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$DIR/pki/sa.pub" --service-account-signing-key-file "$DIR/pki/sa.key" \
    --api-audiences https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --authorization-mode RBAC --allow-privileged=true \
    --egress-selector-config-file "$DIR/egress-selector.yaml" \
    --cert-dir "$DIR/pki/apiserver-certs" --profiling=false --v=1
  wait_for "kube-apiserver /readyz" "$START_TIMEOUT" kc get --raw /readyz || die "kube-apiserver did not become ready"

  launch kube-controller-manager "$TCBIN/kube-controller-manager" \
    --kubeconfig "$DIR/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$DIR/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$DIR/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$KCM_PORT" --cert-dir "$DIR/pki/kcm-certs" \
    --service-account-private-key-file "$DIR/pki/sa.key" --root-ca-file "$DIR/pki/ca.crt" \
    --cluster-signing-cert-file "$DIR/pki/ca.crt" --cluster-signing-key-file "$DIR/pki/ca.key" \
    --use-service-account-credentials=true --service-cluster-ip-range "$SERVICE_CIDR" \
    --leader-elect=false --profiling=false --v=1
  launch kube-scheduler "$TCBIN/kube-scheduler" \
    --kubeconfig "$DIR/scheduler.kubeconfig" \
    --authentication-kubeconfig "$DIR/scheduler.kubeconfig" --authorization-kubeconfig "$DIR/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$SCHED_PORT" --cert-dir "$DIR/pki/scheduler-certs" \
    --leader-elect=false --profiling=false --v=1
  launch kwok "$TCBIN/kwok" --kubeconfig "$DIR/kwok.kubeconfig" --config "$DIR/kwok-stages.yaml" \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake \
    --node-ip 127.0.0.1 --cidr "$POD_CIDR" --node-lease-duration-seconds 40 \
    --server-address "127.0.0.1:$KWOK_PORT"

  # Cluster objects: the default StorageClass and the fake nodes.
  kc apply -f - >/dev/null <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: $STORAGE_CLASS
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kwok.x-k8s.io/volume
reclaimPolicy: Delete
volumeBindingMode: Immediate
allowVolumeExpansion: true
EOF
  if [[ -n "${E2E_NODES_FILE:-}" ]]; then
    kc apply -f "$E2E_NODES_FILE" >/dev/null
  else
    default_nodes | kc apply -f - >/dev/null
  fi

  wait_for "kube-controller-manager /healthz" 60 sh -c "curl -fsSk https://127.0.0.1:$KCM_PORT/healthz | grep -q ok" ||
    die "kube-controller-manager did not become healthy"
  wait_for "kube-scheduler /healthz" 60 sh -c "curl -fsSk https://127.0.0.1:$SCHED_PORT/healthz | grep -q ok" ||
    die "kube-scheduler did not become healthy"
  wait_for "kwok /healthz" 60 sh -c "curl -fsS http://127.0.0.1:$KWOK_PORT/healthz | grep -q ok" ||
    die "kwok did not become healthy"
  wait_for "nodes Ready" 60 kc wait --for=condition=Ready node --all --timeout=1s || die "nodes did not become Ready"
  wait_for "default service account" 60 kc -n default get serviceaccount default || die "no default service account"
  wait_for "kube-root-ca.crt in default" 60 kc -n default get configmap kube-root-ca.crt ||
    die "root CA configmap not published"
  trap - ERR
  log "cluster ready in $((SECONDS - t0))s; API server https://127.0.0.1:$API_PORT"
  echo "export KUBECONFIG=$DIR/kubeconfig"
}

cmd_stop() {
  [[ -d "$DIR" ]] || { log "not running (no $DIR)"; return 0; }
  local c pid rev="" deadline
  for c in $COMPONENTS; do rev="$c $rev"; done
  for c in $rev; do
    if pid=$(pid_of "$c"); then
      kill -TERM "$pid" 2>/dev/null || true
      deadline=$((SECONDS + 15))
      while [[ -d "/proc/$pid" ]] && ((SECONDS < deadline)); do sleep 0.2; done
      if pid=$(pid_of "$c"); then kill -KILL "$pid" 2>/dev/null || true; fi
      log "stopped $c"
    fi
  done
  rm -rf "$DIR"
  log "removed $DIR"
}

cmd_status() {
  [[ -d "$DIR/pids" ]] || { echo "not running (no state in $DIR)"; return 1; }
  load_toolchain
  local c pid
  for c in $COMPONENTS; do
    if pid=$(pid_of "$c"); then printf '%-24s running (pid %s)\n' "$c" "$pid"; else printf '%-24s NOT running\n' "$c"; fi
  done
  probe() { if "$@" >/dev/null 2>&1; then echo ok; else echo FAIL; fi; }
  printf '%-24s %s\n' "etcd /health" "$(probe sh -c "curl -fsS http://127.0.0.1:$ETCD_PORT/health | grep -q true")"
  printf '%-24s %s\n' "apiserver /readyz" "$(probe kc get --raw /readyz)"
  printf '%-24s %s\n' "controller-manager" "$(probe sh -c "curl -fsSk https://127.0.0.1:$KCM_PORT/healthz | grep -q ok")"
  printf '%-24s %s\n' "scheduler" "$(probe sh -c "curl -fsSk https://127.0.0.1:$SCHED_PORT/healthz | grep -q ok")"
  printf '%-24s %s\n' "kwok" "$(probe sh -c "curl -fsS http://127.0.0.1:$KWOK_PORT/healthz | grep -q ok")"
  healthy || { echo "cluster: UNHEALTHY (logs in $DIR/logs)"; return 1; }
  kc get nodes -o wide 2>/dev/null || true
  echo "cluster: healthy; KUBECONFIG=$DIR/kubeconfig"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) echo "export KUBECONFIG=$DIR/kubeconfig" ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
