{{/*
A Release for this rollout, created by Helm after install and after every upgrade, or by Argo CD after every sync
(Argo CD renders charts with `helm template` and runs Helm hooks as its own). Include it from your chart:

  dependencies:
    - name: release-radar-hooks
      version: 0.1.0
      repository: file://../release-radar-hooks

  # templates/release-radar.yaml
  {{ include "release-radar-hooks.release" (dict "root" . "target" "checkout" "selector" (dict "service" "checkout")) }}

Optional keys: "version" (default .Chart.AppVersion), "commit", "control" (a selector map), "rollback"
(None | Annotate | Undo), "analysis" (a map, as spec.analysis).

The name comes from the target and the version (`checkout-v2-3-1`), never from .Release.Revision (always 1 under
`helm template`) nor from generateName: an Argo Rollouts AnalysisTemplate can name it, every version keeps its own
Release as evidence, and only a re-deploy of the same version replaces its Release. Hook resources are not deleted by
`helm uninstall`. "release-radar-hooks.name" gives the same name to your Rollout's analysis args.
*/}}
{{- define "release-radar-hooks.name" -}}
{{- $version := .version | default .root.Chart.AppVersion | toString | lower | trimPrefix "v" -}}
{{- printf "%s-v%s" .target (regexReplaceAll "[^a-z0-9]+" $version "-") | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "release-radar-hooks.release" -}}
{{- $root := .root -}}
apiVersion: releaseradar.io/v1alpha1
kind: Release
metadata:
  name: {{ include "release-radar-hooks.name" . }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    app.kubernetes.io/managed-by: {{ $root.Release.Service }}
    releaseradar.io/helm-release: {{ $root.Release.Name }}
  annotations:
    helm.sh/hook: post-install,post-upgrade
    helm.sh/hook-weight: "10"
    helm.sh/hook-delete-policy: before-hook-creation
    argocd.argoproj.io/hook: PostSync
    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation
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
