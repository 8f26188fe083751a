using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using k8s;

namespace ReleaseRadar.Core.Model;

public sealed class ManifestException(string message, Exception? inner = null) : Exception(message, inner);
