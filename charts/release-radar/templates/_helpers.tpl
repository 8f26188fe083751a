{{- define "release-radar.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "release-radar.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "release-radar.labels" -}}
app.kubernetes.io/name: {{ include "release-radar.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "release-radar.selector" -}}
app.kubernetes.io/name: {{ include "release-radar.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The operator's pods only: every selector names its component, so no two workloads' selectors overlap. */}}
{{- define "release-radar.operatorSelector" -}}
{{ include "release-radar.selector" . }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "release-radar.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/*
The rules the operator needs on Releases and Deployments, shared by the ClusterRole and the per-namespace Roles: only
the calls it makes. Releases: list and watch (the cache), get (after a conflict), create (auto-tracking); their status:
update (a PUT with the resourceVersion read); Deployments: the informer, a fresh get before binding and acting, patch
(annotate, Undo); ReplicaSets: list (binding to a rollout); Events: create.
*/}}
{{- define "release-radar.operatorRules" -}}
- apiGroups: [releaseradar.io]
  resources: [releases]
  verbs: [get, list, watch, create]
- apiGroups: [releaseradar.io]
  resources: [releases/status]
  verbs: [update]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, patch]
- apiGroups: [apps]
  resources: [replicasets]
  verbs: [list]
- apiGroups: [""]
  resources: [events]
  verbs: [create]
{{- end -}}
