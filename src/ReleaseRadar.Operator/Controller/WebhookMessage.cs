using System.Net.Http.Json;
using System.Text;
using System.Threading.Channels;
using k8s;
using Microsoft.Extensions.Logging;
using ReleaseRadar.Core;
using ReleaseRadar.Core.Model;
using ReleaseRadar.Core.Status;
using ReleaseRadar.Engine;

namespace ReleaseRadar.Operator.Controller;

/// <summary>One verdict change to announce.</summary>
public sealed record WebhookMessage(string Release, string Text, int Attempt = 1);
