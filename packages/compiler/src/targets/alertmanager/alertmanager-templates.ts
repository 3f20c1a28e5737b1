import { generatedNotice } from '../../emit/generated-mark.js';
import type { OutputFile } from '../../emit/output.js';
import type { Model } from '../../model/types.js';

/** The message templates file, and the glob the configuration loads it by (relative to it). */
export const ALERTMANAGER_TEMPLATES_PATH = 'alertmanager/templates/vigil.tmpl';
export const ALERTMANAGER_TEMPLATES_GLOB = 'templates/*.tmpl';

/** How receivers call the templates (Alertmanager expands these in the configuration's fields). */
export const TEMPLATE = {
  title: '{{ template "vigil.title" . }}',
  slackText: '{{ template "vigil.slack.text" . }}',
  emailSubject: '{{ template "vigil.email.subject" . }}',
  emailHtml: '{{ template "vigil.email.html" . }}',
  emailText: '{{ template "vigil.email.text" . }}',
} as const;

// Go text/template, as Alertmanager reads it. Every alert shows its summary, description,
// runbook and dashboard links (annotations runbook_url and dashboard_url) and its labels.
const TEMPLATES = `{{/* ${generatedNotice('alertmanager')} */}}

{{ define "vigil.title" -}}
[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}{{ with .CommonLabels.service }} ({{ . }}){{ end }}{{ with .CommonLabels.severity }} {{ . }}{{ end }}{{ if eq .CommonLabels.escalated "true" }} ESCALATED{{ end }}
{{- end }}

{{ define "vigil.alert.text" -}}
{{ if eq .Status "resolved" }}[resolved] {{ end }}*{{ .Annotations.summary }}*
{{ with .Annotations.description }}{{ . }}
{{ end }}{{ with .Annotations.runbook_url }}Runbook: {{ . }}
{{ end }}{{ with .Annotations.dashboard_url }}Dashboard: {{ . }}
{{ end }}Labels:{{ range .Labels.SortedPairs }} {{ .Name }}={{ .Value }}{{ end }}
{{ end }}

{{ define "vigil.slack.text" -}}
{{ range .Alerts }}{{ template "vigil.alert.text" . }}
{{ end }}
{{- end }}

{{ define "vigil.email.subject" }}{{ template "vigil.title" . }}{{ end }}

{{ define "vigil.email.text" -}}
{{ range .Alerts }}{{ template "vigil.alert.text" . }}
{{ end }}
{{- end }}

{{ define "vigil.email.html" -}}
<!DOCTYPE html>
<html><body>
<h2>{{ template "vigil.title" . }}</h2>
{{ range .Alerts }}<div style="margin-bottom:1em">
<p><strong>{{ if eq .Status "resolved" }}[resolved] {{ end }}{{ .Annotations.summary }}</strong></p>
{{ with .Annotations.description }}<p>{{ . }}</p>{{ end }}
<p>{{ with .Annotations.runbook_url }}<a href="{{ . }}">Runbook</a> {{ end }}{{ with .Annotations.dashboard_url }}<a href="{{ . }}">Dashboard</a>{{ end }}</p>
<p style="color:#666">{{ range .Labels.SortedPairs }}{{ .Name }}={{ .Value }} {{ end }}</p>
</div>
{{ end }}</body></html>
{{- end }}
`;

/** The message templates of Slack, email and PagerDuty notifications (none without `notifications:`). */
export function emitAlertmanagerTemplates(model: Model): OutputFile[] {
  return model.notifications ? [{ path: ALERTMANAGER_TEMPLATES_PATH, content: TEMPLATES }] : [];
}
