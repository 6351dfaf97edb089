using System.Collections.ObjectModel;
using System.Diagnostics;
using ItSchool.Tests.Rig;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace ItSchool.Tests.Platform;

/// <summary>
/// A demo node with both exporters configured as an operator would: OTLP towards a collector that is not there (the
/// discard port), and Prometheus' endpoint. Every finished span is also kept here, to read the traces.
/// </summary>
public sealed class TelemetryNode : WebNode
{
    public TelemetryNode()
    {
        Arguments = ["--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9", "--ItSchool:Metrics:Prometheus=true"];
        TestServices = builder => builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
    }

    public Kept<Activity> Spans { get; } = new();

    /// <summary>Written by the exporter's thread while a test reads.</summary>
    public sealed class Kept<T> : Collection<T>
    {
        readonly Lock gate = new();

        protected override void InsertItem(int index, T item)
        {
            lock (gate)
            {
                base.InsertItem(index, item);
            }
        }

        public IReadOnlyList<T> Snapshot()
        {
            lock (gate)
            {
                return [.. this];
            }
        }
    }
}