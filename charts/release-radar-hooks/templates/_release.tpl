{{/*
A Release for this rollout, created by Helm after install and after every upgrade. Include it from your chart:

  dependencies:
    - name: release-radar-hooks
      version: 0.1.0
      repository: file://../release-radar-hooks

  # templates/release-radar.yaml
  {{ include "release-radar-hooks.release" (dict "root" . "target" "checkout" "selector" (dict "service" "checkout")) }}

Optional keys: "version" (default .Chart.AppVersion), "commit", "control" (a selector map), "rollback"
(None | Annotate | Undo), "analysis" (a map, as spec.analysis). The name carries the Helm revision, so every upgrade is
its own Release and the earlier ones remain as evidence; hook resources are not deleted by `helm uninstall`.
*/}}
{{- define "release-radar-hooks.release" -}}
{{- $root := .root -}}
apiVersion: releaseradar.io/v1alpha1
kind: Release
metadata:
  name: {{ printf "%s-helm-r%d" .target $root.Release.Revision | trunc 63 | trimSuffix "-" }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    app.kubernetes.io/managed-by: {{ $root.Release.Service }}
    releaseradar.io/helm-release: {{ $root.Release.Name }}
  annotations:
    helm.sh/hook: post-install,post-upgrade
    helm.sh/hook-weight: "10"
    helm.sh/hook-delete-policy: before-hook-creation
spec:
  version: {{ .version | default $root.Chart.AppVersion | quote }}
  {{- with .commit }}
  commit: {{ . | quote }}
  {{- end }}
  target:
    kind: Deployment
    name: {{ .target }}
  selector: {{- toYaml .selector | nindent 4 }}
  {{- with .control }}
  control:
    selector: {{- toYaml . | nindent 6 }}
  {{- end }}
  {{- with .analysis }}
  analysis: {{- toYaml . | nindent 4 }}
  {{- end }}
  rollback: {{ .rollback | default "Annotate" }}
{{- end -}}
