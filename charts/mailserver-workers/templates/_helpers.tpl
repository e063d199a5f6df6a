{{/* The chart's name. */}}
{{- define "mailserver-workers.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* release-chart, or fullnameOverride; the prefix of every object name. */}}
{{- define "mailserver-workers.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Labels of every object; call with (dict "root" $ "component" "roundtrip-probe"). */}}
{{- define "mailserver-workers.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "mailserver-workers.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- if .component }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The mail server's namespace (default: the release's). */}}
{{- define "mailserver-workers.mailNamespace" -}}
{{- default .Release.Namespace .Values.mailServer.namespace -}}
{{- end -}}

{{/* A worker's image: its repository (or <registry>/<image>), and its digest or tag. (dict "root" $ "w" <values> "image" "roundtrip-probe") */}}
{{- define "mailserver-workers.image" -}}
{{- $repository := default (printf "%s/%s" .root.Values.image.registry .image) .w.image.repository -}}
{{- if .w.image.digest -}}
{{- printf "%s@%s" $repository .w.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository (.w.image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/*
The environment of a worker: the chart's own variables (extraEnv), its config (not secret), Secret keys by
reference (secretEnv), Secret keys mounted as files (secretFiles: <variable>File), the Pushgateway and the CA.
Never a secret value.
*/}}
{{- define "mailserver-workers.env" -}}
{{- $env := dict -}}
{{- range $key, $value := .w.config }}
{{- if regexMatch "(Password|ApiKey|Token|PushUrl|Secret)$" $key }}
{{- fail (printf "%s is a secret: give it through existingSecret, secretEnv or secretFiles, never in config (a CronJob's spec is readable by anyone who may describe it)" $key) }}
{{- end }}
{{- $_ := set $env $key (toString $value) }}
{{- end -}}
{{- range $key, $value := .extraEnv }}{{ $_ := set $env $key (toString $value) }}{{ end -}}
{{- if and .root.Values.pushgatewayUrl (not (hasKey $env "Pushgateway__Url")) }}{{ $_ := set $env "Pushgateway__Url" .root.Values.pushgatewayUrl }}{{ end -}}
{{- if .root.Values.caBundle.configMap }}{{ $_ := set $env "Tls__CaFile" "/etc/mailserver-workers/ca/ca.pem" }}{{ end -}}
{{- range $key, $ref := .w.secretFiles }}{{ $_ := set $env (printf "%sFile" $key) (printf "/var/run/secrets/mailserver-workers/%s" $key) }}{{ end -}}
{{- range $key := keys $env | sortAlpha }}
- name: {{ $key }}
  value: {{ get $env $key | quote }}
{{- end }}
{{- range $key := keys (.w.secretEnv | default dict) | sortAlpha }}
{{- $ref := get $.w.secretEnv $key }}
- name: {{ $key }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "secretEnv.%s.name is required" $key) $ref.name }}
      key: {{ required (printf "secretEnv.%s.key is required" $key) $ref.key }}
{{- end }}
{{- end -}}

{{/*
A worker's CronJob. (dict "root" $ "w" <worker values> "component" "roundtrip-probe" "name" <object name>
"image" <image name> "extraEnv" <dict> "serviceAccount" <name or ""> "volumes" <list> "mounts" <list>
"podSecurityContext" <dict> "containerSecurityContext" <dict> "affinity" <dict>). The worker's own suspend,
podLabels, priorityClassName, extraEnv (EnvVar list, valueFrom allowed), extraVolumes and extraVolumeMounts are
added as given.
*/}}
{{- define "mailserver-workers.cronJob" -}}
{{- $root := .root -}}
{{- $w := .w -}}
{{- $defaults := $root.Values.cronJob -}}
apiVersion: batch/v1
kind: CronJob
metadata:
  name: {{ .name }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "mailserver-workers.labels" (dict "root" $root "component" .component) | nindent 4 }}
spec:
  schedule: {{ required (printf "%s: schedule is required" .name) $w.schedule | quote }}
  suspend: {{ $w.suspend | default false }}
  timeZone: {{ $w.timeZone | default $defaults.timeZone | quote }}
  concurrencyPolicy: {{ $w.concurrencyPolicy | default $defaults.concurrencyPolicy }}
  startingDeadlineSeconds: {{ $w.startingDeadlineSeconds | default $defaults.startingDeadlineSeconds }}
  successfulJobsHistoryLimit: {{ $w.successfulJobsHistoryLimit | default $defaults.successfulJobsHistoryLimit }}
  failedJobsHistoryLimit: {{ $w.failedJobsHistoryLimit | default $defaults.failedJobsHistoryLimit }}
  jobTemplate:
    spec:
      backoffLimit: {{ hasKey $w "backoffLimit" | ternary $w.backoffLimit $defaults.backoffLimit }}
      activeDeadlineSeconds: {{ required (printf "%s: activeDeadlineSeconds is required" .name) $w.activeDeadlineSeconds }}
      ttlSecondsAfterFinished: {{ $defaults.ttlSecondsAfterFinished }}
      template:
        metadata:
          labels:
            {{- include "mailserver-workers.labels" (dict "root" $root "component" .component) | nindent 12 }}
            {{- with $w.podLabels }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with $w.podAnnotations }}
          annotations:
            {{- toYaml . | nindent 12 }}
          {{- end }}
        spec:
          {{- include "mailserver-workers.podSpec" . | nindent 10 }}
{{- if $root.Values.helmTest.enabled }}
---
{{ include "mailserver-workers.testPod" . }}
{{- end }}
{{- end -}}

{{/* Seconds in a .NET TimeSpan value as the workers read it ("00:05:00", "1.02:00:00", "00:00:00.500"), rounded up. */}}
{{- define "mailserver-workers.timeSpanSeconds" -}}
{{- $parts := splitList ":" (toString .) -}}
{{- $hours := first $parts -}}
{{- $days := 0 -}}
{{- if contains "." $hours -}}
{{- $days = atoi (first (splitList "." $hours)) -}}
{{- $hours = last (splitList "." $hours) -}}
{{- end -}}
{{- add (mul $days 86400) (mul (atoi $hours) 3600) (mul (atoi (index $parts 1)) 60) (ceil (float64 (index $parts 2))) -}}
{{- end -}}

{{/* The longest an HTTP delivery with retries takes (Pushgateway, Uptime Kuma): Attempts x AttemptTimeout plus the
delays between them, each doubled and up to a quarter longer (shared/Http/RetriedHttpDelivery.cs). Takes the
config and the section name. */}}
{{- define "mailserver-workers.deliverySeconds" -}}
{{- $attempts := int (index .config (printf "%s__Attempts" .section) | default 3) -}}
{{- $timeout := include "mailserver-workers.timeSpanSeconds" (index .config (printf "%s__AttemptTimeout" .section) | default "00:00:10") | atoi -}}
{{- $delay := include "mailserver-workers.timeSpanSeconds" (index .config (printf "%s__RetryDelay" .section) | default "00:00:01") | atoi -}}
{{- $total := mul $attempts $timeout -}}
{{- $factor := 1 -}}
{{- range until (int (sub $attempts 1)) -}}
{{- $total = add $total (ceil (mulf (mul $delay $factor) 1.25)) -}}
{{- $factor = mul $factor 2 -}}
{{- end -}}
{{- $total -}}
{{- end -}}

{{/* The probe's own longest run, in seconds: Probe__Deadline, the cleanup (four IMAP commands at Imap__Timeout),
the push and the heartbeat with their retries, and a minute for start-up. Keep in sync with RoundtripProbeJob. */}}
{{- define "mailserver-workers.probeBoundSeconds" -}}
{{- $c := .config | default dict -}}
{{- $deadline := include "mailserver-workers.timeSpanSeconds" ($c.Probe__Deadline | default "00:05:00") | atoi -}}
{{- $imap := include "mailserver-workers.timeSpanSeconds" ($c.Imap__Timeout | default "00:00:10") | atoi -}}
{{- $push := include "mailserver-workers.deliverySeconds" (dict "config" $c "section" "Pushgateway") | atoi -}}
{{- $kuma := include "mailserver-workers.deliverySeconds" (dict "config" $c "section" "UptimeKuma") | atoi -}}
{{- add $deadline (mul 4 $imap) $push $kuma 60 -}}
{{- end -}}

{{/*
The service account of a worker that talks to the Kubernetes API, with its Role and RoleBinding in the mail
server's namespace and nothing else. Arguments: root, component, name, namespace, and rules (the Role's rules, YAML).
The account's token is not mounted by default; the CronJob mounts it where the worker needs it.
*/}}
{{- define "mailserver-workers.rbac" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "mailserver-workers.labels" (dict "root" .root "component" .component) | nindent 4 }}
  {{- with .root.Values.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ .name }}
  namespace: {{ .namespace }}
  labels:
    {{- include "mailserver-workers.labels" (dict "root" .root "component" .component) | nindent 4 }}
rules:
  {{- .rules | trim | nindent 2 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ .name }}
  namespace: {{ .namespace }}
  labels:
    {{- include "mailserver-workers.labels" (dict "root" .root "component" .component) | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ .name }}
subjects:
  - kind: ServiceAccount
    name: {{ .name }}
    namespace: {{ .root.Release.Namespace }}
{{- end }}

{{/*
The pod spec of a worker's run, for its CronJob and its helm test Pod (the same dict as mailserver-workers.cronJob,
plus "args": the container's arguments).
*/}}
{{- define "mailserver-workers.podSpec" -}}
{{- $root := .root -}}
{{- $w := .w -}}
restartPolicy: Never
{{- with $w.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- if .serviceAccount }}
serviceAccountName: {{ .serviceAccount }}
automountServiceAccountToken: true
{{- else }}
# No Kubernetes API access: no token in the pod.
automountServiceAccountToken: false
{{- end }}
securityContext:
  {{- toYaml (.podSecurityContext | default $root.Values.podSecurityContext) | nindent 2 }}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- with $w.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $w.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with (.affinity | default $w.affinity) }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
containers:
  - name: {{ .component }}
    image: {{ include "mailserver-workers.image" (dict "root" $root "w" $w "image" .image) | quote }}
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    {{- with .args }}
    args:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    env:
      {{- include "mailserver-workers.env" (dict "root" $root "w" $w "extraEnv" (.extraEnv | default dict)) | trim | nindent 6 }}
      {{- range $w.extraEnv }}
      {{- if and (hasKey . "value") (regexMatch "(Password|ApiKey|Token|PushUrl|Secret)$" .name) }}
      {{- fail (printf "extraEnv %s is a secret: give it with valueFrom (a secretKeyRef), never as a value" .name) }}
      {{- end }}
      {{- end }}
      {{- with $w.extraEnv }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
    {{- if $w.existingSecret }}
    envFrom:
      - secretRef:
          name: {{ $w.existingSecret }}
    {{- end }}
    securityContext:
      {{- toYaml (.containerSecurityContext | default $root.Values.containerSecurityContext) | nindent 6 }}
    resources:
      {{- toYaml $w.resources | nindent 6 }}
    volumeMounts:
      # The workers write nothing but temporary files: /tmp is the only writable place.
      - name: tmp
        mountPath: /tmp
      {{- if $root.Values.caBundle.configMap }}
      - name: ca
        mountPath: /etc/mailserver-workers/ca
        readOnly: true
      {{- end }}
      {{- range $key, $ref := $w.secretFiles }}
      - name: secret-{{ $key | lower | replace "_" "-" }}
        mountPath: /var/run/secrets/mailserver-workers/{{ $key }}
        subPath: {{ $ref.key }}
        readOnly: true
      {{- end }}
      {{- with .mounts }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
      {{- with $w.extraVolumeMounts }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
volumes:
  - name: tmp
    emptyDir:
      sizeLimit: 256Mi
  {{- if $root.Values.caBundle.configMap }}
  - name: ca
    configMap:
      name: {{ $root.Values.caBundle.configMap }}
      items:
        - key: {{ $root.Values.caBundle.key }}
          path: ca.pem
  {{- end }}
  {{- range $key, $ref := $w.secretFiles }}
  - name: secret-{{ $key | lower | replace "_" "-" }}
    secret:
      secretName: {{ required (printf "secretFiles.%s.name is required" $key) $ref.name }}
      defaultMode: 0440
  {{- end }}
  {{- with .volumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
  {{- with $w.extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/*
The worker's `helm test` Pod: its run's pod spec with --check, which changes nothing (README, "--check").
*/}}
{{- define "mailserver-workers.testPod" -}}
{{- $root := .root -}}
apiVersion: v1
kind: Pod
metadata:
  name: {{ .name }}-check
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "mailserver-workers.labels" (dict "root" $root "component" .component) | nindent 4 }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  {{- include "mailserver-workers.podSpec" (merge (dict "args" (list "--check")) .) | nindent 2 }}
{{- end -}}
