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
"podSecurityContext" <dict> "containerSecurityContext" <dict> "affinity" <dict>)
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
          {{- with $w.podAnnotations }}
          annotations:
            {{- toYaml . | nindent 12 }}
          {{- end }}
        spec:
          restartPolicy: Never
          {{- if .serviceAccount }}
          serviceAccountName: {{ .serviceAccount }}
          automountServiceAccountToken: true
          {{- else }}
          # No Kubernetes API access: no token in the pod.
          automountServiceAccountToken: false
          {{- end }}
          securityContext:
            {{- toYaml (.podSecurityContext | default $root.Values.podSecurityContext) | nindent 12 }}
          {{- with $root.Values.imagePullSecrets }}
          imagePullSecrets:
            {{- range . }}
            - name: {{ . }}
            {{- end }}
          {{- end }}
          {{- with $w.nodeSelector }}
          nodeSelector:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with $w.tolerations }}
          tolerations:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- with (.affinity | default $w.affinity) }}
          affinity:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          containers:
            - name: {{ .component }}
              image: {{ include "mailserver-workers.image" (dict "root" $root "w" $w "image" .image) | quote }}
              imagePullPolicy: {{ $root.Values.image.pullPolicy }}
              env:
                {{- include "mailserver-workers.env" (dict "root" $root "w" $w "extraEnv" (.extraEnv | default dict)) | trim | nindent 16 }}
              {{- if $w.existingSecret }}
              envFrom:
                - secretRef:
                    name: {{ $w.existingSecret }}
              {{- end }}
              securityContext:
                {{- toYaml (.containerSecurityContext | default $root.Values.containerSecurityContext) | nindent 16 }}
              resources:
                {{- toYaml $w.resources | nindent 16 }}
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
                {{- toYaml . | nindent 16 }}
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
            {{- toYaml . | nindent 12 }}
            {{- end }}
{{- end -}}
