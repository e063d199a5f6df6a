{{/*
The alert rules, with the thresholds of alerts.thresholds. files/alerts.rules.yaml is this rendered with the
defaults (the plain rules file for a Prometheus without the operator; promtool's tests run on it, and a chart test
keeps the two the same). Prometheus's own {{ $labels.x }} templates are written as raw strings.
*/}}
{{- define "mailserver-workers.alertRules" -}}
{{- $t := .Values.alerts.thresholds -}}
{{- $runbook := printf "%s/blob/main/README.md#" .Chart.Home -}}
groups:
  - name: mailserver-workers
    rules:
      - alert: EmailRoundtripFailing
        expr: email_roundtrip_last_run_success == 0 and email_roundtrip_delivered_to_junk == 0
        for: {{ $t.roundtripFailingMinutes }}m
        labels:
          severity: critical
        annotations:
          summary: "Mail round trip {{`{{ $labels.instance }}`}} failing"
          description: "The probe's mail did not make it through for {{ $t.roundtripFailingMinutes }} minutes (see email_roundtrip_failure for the stage)."
          runbook_url: "{{ $runbook }}emailroundtripfailing"
      - alert: EmailRoundtripStale
        expr: time() - email_roundtrip_last_success_timestamp_seconds > {{ $t.roundtripStaleMinutes }} * 60
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: "No successful mail round trip {{`{{ $labels.instance }}`}} for {{ $t.roundtripStaleMinutes }} minutes"
          description: "The last successful round trip is more than {{ $t.roundtripStaleMinutes }} minutes old: the probe fails or does not run."
          runbook_url: "{{ $runbook }}emailroundtripstale"
      - alert: EmailDeliveredToJunk
        expr: email_roundtrip_delivered_to_junk == 1
        for: {{ $t.deliveredToJunkMinutes }}m
        labels:
          severity: warning
        annotations:
          summary: "Probe mail {{`{{ $labels.instance }}`}} lands in Junk"
          description: "The spam filter files the probe's mail into Junk: outgoing reputation or filter rules changed."
          runbook_url: "{{ $runbook }}emaildeliveredtojunk"
      {{- /* Each backup job's own threshold, from its schedule; without jobs here, one for every job. */}}
      {{- $jobs := list }}
      {{- if .Values.backupRunner.enabled }}{{ $jobs = .Values.backupRunner.jobs | default list }}{{ end }}
      {{- $stale := list }}
      {{- range $job := $jobs }}
      {{- $hours := $t.backupStaleHours | default (include "mailserver-workers.staleHours" $job.schedule) }}
      {{- $stale = append $stale (printf "time() - backup_last_success_timestamp_seconds{job=\"%s-backup\"} > %v * 3600" $job.name $hours) }}
      {{- end }}
      {{- if not $stale }}
      {{- $stale = list (printf "time() - backup_last_success_timestamp_seconds > %v * 3600" ($t.backupStaleHours | default 36)) }}
      {{- end }}
      - alert: MailserverBackupStale
        expr: {{ if eq (len $stale) 1 }}{{ first $stale }}{{ else }}({{ join ") or (" $stale }}){{ end }}
        labels:
          severity: critical
        annotations:
          summary: "Backup {{`{{ $labels.job }}`}} has not succeeded for {{`{{ $value | humanizeDuration }}`}}"
          description: "The last complete snapshot is older than its threshold: one and a half times the job's schedule interval (36 hours for a daily one), or alerts.thresholds.backupStaleHours."
          runbook_url: "{{ $runbook }}mailserverbackupstale"
      - alert: MailserverBackupNeverSucceeded
        expr: backup_last_run_success == 0 unless on (job, instance) backup_last_success_timestamp_seconds
        for: 1h
        labels:
          severity: critical
        annotations:
          summary: "Backup {{`{{ $labels.job }}`}} has never succeeded"
          description: "The backup runs but no run has ever made a complete snapshot."
          runbook_url: "{{ $runbook }}mailserverbackupneversucceeded"
      - alert: MailserverBackupShrank
        expr: >-
          (backup_files < {{ sub 100 $t.backupShrinkPercent }} / 100 * backup_previous_snapshot_files or backup_output_bytes < {{ sub 100 $t.backupShrinkPercent }} / 100 * backup_previous_snapshot_bytes)
          and backup_last_run_success == 1
        labels:
          severity: warning
        annotations:
          summary: "Backup {{`{{ $labels.job }}`}} holds far less than the snapshot before it"
          description: "The newest snapshot has more than {{ $t.backupShrinkPercent }} % fewer files or bytes than the one before (the runner refuses past Backup__MaxShrinkPercent, 50 % by default): mail deleted, a volume half mounted?"
          runbook_url: "{{ $runbook }}mailserverbackupshrank"
      - alert: BackupDurationHigh
        expr: backup_duration_seconds > {{ $t.backupDurationHours }} * 3600
        labels:
          severity: warning
        annotations:
          summary: "Backup {{`{{ $labels.job }}`}} took more than {{ $t.backupDurationHours }} hours"
          description: "The last backup run took {{`{{ $value | humanizeDuration }}`}}; the next may overlap the mail server's busy hours."
          runbook_url: "{{ $runbook }}backupdurationhigh"
      - alert: SpamRetentionErrors
        expr: spam_retention_errors{dry_run=""} > 0
        labels:
          severity: warning
        annotations:
          summary: "spam-retention {{`{{ $labels.instance }}`}} reported errors"
          description: "Messages could not be read (they were kept), or the run itself failed."
          runbook_url: "{{ $runbook }}spamretentionerrors"
      - alert: SpamRetentionStale
        expr: time() - spam_retention_last_success_timestamp_seconds > {{ $t.spamRetentionStaleDays }} * 86400
        labels:
          severity: warning
        annotations:
          summary: "spam-retention {{`{{ $labels.instance }}`}} has not succeeded for {{ $t.spamRetentionStaleDays }} days"
          description: "The catch-all mailbox is no longer being cleaned."
          runbook_url: "{{ $runbook }}spamretentionstale"
      - alert: MailPathDegraded
        expr: mail_path_probe_success_ratio < 1
        for: {{ $t.mailPathDegradedMinutes }}m
        labels:
          severity: critical
        annotations:
          summary: "Mail path {{`{{ $labels.target }}`}} degraded"
          description: "Only {{`{{ $value | humanizePercentage }}`}} of the checks of {{`{{ $labels.target }}`}} succeeded."
          runbook_url: "{{ $runbook }}mailpathdegraded"
      - alert: CertificateExpiringSoon
        expr: mail_path_tls_cert_expiry_timestamp_seconds - time() < {{ $t.certificateExpiryDays }} * 86400
        labels:
          severity: warning
        annotations:
          summary: "Certificate of {{`{{ $labels.target }}`}} expires within {{ $t.certificateExpiryDays }} days"
          description: "The TLS certificate seen on {{`{{ $labels.target }}`}} is not renewed."
          runbook_url: "{{ $runbook }}certificateexpiringsoon"
      - alert: PostfixFatalsHigh
        expr: mail_path_postfix_fatal_log_lines > {{ $t.postfixFatalLines }}
        labels:
          severity: critical
        annotations:
          summary: "Postfix in {{`{{ $labels.pod }}`}} logs fatal errors"
          description: "{{`{{ $value }}`}} fatal: lines in the window: a daemon dies on start (a PROXY listener's health check?)."
          runbook_url: "{{ $runbook }}postfixfatalshigh"
      - alert: MailQueueGrowing
        expr: >-
          sum by (instance) (mailserver_postfix_queue_messages{queue=~"active|incoming|deferred"}) > {{ $t.mailQueueMessages }}
          and sum by (instance) (mailserver_postfix_queue_messages{queue=~"active|incoming|deferred"})
          > sum by (instance) (mailserver_postfix_queue_messages{queue=~"active|incoming|deferred"} offset 30m)
        for: {{ $t.mailQueueGrowingMinutes }}m
        labels:
          severity: warning
        annotations:
          summary: "Postfix's queue on {{`{{ $labels.instance }}`}} is growing: {{`{{ $value }}`}} messages"
          description: "More than {{ $t.mailQueueMessages }} messages wait in the active, incoming and deferred queues, more than half an hour before, for {{ $t.mailQueueGrowingMinutes }} minutes."
          runbook_url: "{{ $runbook }}mailqueuegrowing"
      - alert: MailDeferredTooLong
        expr: mailserver_postfix_queue_oldest_message_age_seconds{queue="deferred"} > {{ $t.deferredOldestHours }} * 3600
        labels:
          severity: warning
        annotations:
          summary: "A message on {{`{{ $labels.instance }}`}} has been deferred for {{`{{ $value | humanizeDuration }}`}}"
          description: "The oldest message of Postfix's deferred queue is older than {{ $t.deferredOldestHours }} hours (mailserver_postfix_deferred_recipients says to which domains, _by_status why)."
          runbook_url: "{{ $runbook }}maildeferredtoolong"
      - alert: MailserverStatsSourceDown
        expr: mailserver_stats_source_up == 0
        for: {{ $t.statsSourceDownMinutes }}m
        labels:
          severity: warning
        annotations:
          summary: "mailserver-stats cannot read {{`{{ $labels.source }}`}} on {{`{{ $labels.instance }}`}}"
          description: "The {{`{{ $labels.source }}`}} source has not answered for {{ $t.statsSourceDownMinutes }} minutes; its metrics are missing (the run's log has a FAILED line saying why)."
          runbook_url: "{{ $runbook }}mailserverstatssourcedown"
      - alert: DovecotAuthFailuresSpike
        expr: sum by (instance) (increase(mailserver_dovecot_events_total{metric="auth_failures",group=""}[15m])) > {{ $t.authFailures15m }}
        labels:
          severity: warning
        annotations:
          summary: "{{`{{ $value | humanize }}`}} failed logins on {{`{{ $labels.instance }}`}} in 15 minutes"
          description: "Dovecot counted more than {{ $t.authFailures15m }} failed logins in 15 minutes: password guessing, or a client with an old password."
          runbook_url: "{{ $runbook }}dovecotauthfailuresspike"
      - alert: MailserverStatsStale
        expr: time() - mailserver_stats_last_success_timestamp_seconds > 30 * 60
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: "mailserver-stats on {{`{{ $labels.instance }}`}} has not succeeded for {{`{{ $value | humanizeDuration }}`}}"
          description: "The queue, Dovecot and Rspamd figures are older than half an hour: the worker fails or does not run."
          runbook_url: "{{ $runbook }}mailserverstatsstale"
{{- end -}}

{{/*
Hours after which a job on this cron schedule is stale: one and a half of its interval, so that one late or
failed run does not page but a second one does. Daily (3 * * * fields fixed): 36; weekly (a day of the week): 252;
monthly (a day of the month): 1116; a run every few hours (an hour list or step): 1.5 times the gap, at least 2.
*/}}
{{- define "mailserver-workers.staleHours" -}}
{{- $f := splitList " " (regexReplaceAll "\\s+" (trim .) " ") -}}
{{- if ne (len $f) 5 }}{{ fail (printf "cannot derive a staleness threshold from schedule %q: set alerts.thresholds.backupStaleHours" .) }}{{ end -}}
{{- $hour := index $f 1 -}}{{- $dom := index $f 2 -}}{{- $dow := index $f 4 -}}
{{- $interval := 24 -}}
{{- if ne $dom "*" -}}
{{- $interval = div (mul 31 24) (len (splitList "," $dom)) -}}
{{- else if ne $dow "*" -}}
{{- $interval = div (mul 7 24) (len (splitList "," $dow)) -}}
{{- else if hasPrefix "*/" $hour -}}
{{- $interval = atoi (trimPrefix "*/" $hour) -}}
{{- else if eq $hour "*" -}}
{{- $interval = 1 -}}
{{- else -}}
{{- $interval = div 24 (len (splitList "," $hour)) -}}
{{- end -}}
{{- max 2 (div (mul $interval 3) 2) -}}
{{- end -}}
