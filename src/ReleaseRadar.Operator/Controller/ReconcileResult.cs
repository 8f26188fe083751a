using System.Diagnostics;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Core;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Planning;
using ReleaseRadar.Core.Status;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Controller;

/// <summary>
/// When to look at a key again (null: only when something about it changes); Backoff: an action failed, retry with the queue's backoff.
/// </summary>
public sealed record ReconcileResult(TimeSpan? RequeueAfter, bool Backoff = false);
