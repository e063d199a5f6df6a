# docker buildx bake            builds the five worker images for this machine's platform
# docker buildx bake --push     with REGISTRY and TAG set, for linux/amd64 and linux/arm64 (set PLATFORMS)
variable "REGISTRY" { default = "ghcr.io/mailserver-workers" }
variable "TAG" { default = "0.1.0" }
variable "PLATFORMS" { default = "" }

group "default" {
  targets = ["roundtrip-probe", "spam-retention", "backup-runner", "haproxy-health", "mailserver-stats"]
}

target "worker" {
  context   = "."
  platforms = PLATFORMS == "" ? [] : split(",", PLATFORMS)
}

target "roundtrip-probe" {
  inherits   = ["worker"]
  dockerfile = "services/roundtrip-probe/Dockerfile"
  tags       = ["${REGISTRY}/roundtrip-probe:${TAG}"]
}

target "spam-retention" {
  inherits   = ["worker"]
  dockerfile = "services/spam-retention/Dockerfile"
  tags       = ["${REGISTRY}/spam-retention:${TAG}"]
}

target "backup-runner" {
  inherits   = ["worker"]
  dockerfile = "services/backup-runner/Dockerfile"
  tags       = ["${REGISTRY}/backup-runner:${TAG}"]
}

target "haproxy-health" {
  inherits   = ["worker"]
  dockerfile = "services/haproxy-health/Dockerfile"
  tags       = ["${REGISTRY}/haproxy-health:${TAG}"]
}

target "mailserver-stats" {
  inherits   = ["worker"]
  dockerfile = "services/mailserver-stats/Dockerfile"
  tags       = ["${REGISTRY}/mailserver-stats:${TAG}"]
}
