using System.Net;
using ItSchool.Tests.Rig;
using Microsoft.AspNetCore.SignalR.Client;

namespace ItSchool.Tests.Accounts;

/// <summary>Two web nodes in one cluster: a session ended through one closes the live connections held by the other.</summary>
public sealed class MultiNodeSessionTests : IAsyncLifetime
{
    readonly WebNode first = new() { UseEphemeralKeys = false };
    readonly WebNode second = new() { UseEphemeralKeys = false };

    public async Task InitializeAsync()
    {
        await first.InitializeAsync();
        await second.StartAsync(first.ConnectionString);
        // Ready means the node's cluster answers: a session's end published through the other node reaches it.
        foreach (var node in new[] { first, second })
        {
            using var client = node.CreateClient();
            await Eventually.TrueAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK);
        }
    }

    public async Task DisposeAsync()
    {
        await second.DisposeAsync();
        await first.DisposeAsync();
    }

    [Fact]
    public async Task Signing_out_or_ending_other_devices_on_one_node_closes_the_connections_held_by_the_other()
    {
        // Both nodes listen on 127.0.0.1: one cookie jar reaches either, and the shared key ring opens it.
        var signingOut = new CookieContainer();
        using var viaFirst = await SignedIn.AsAsync(first, "julien.peeters", cookies: signingOut);
        await using var julien = await ConnectAsync(second, signingOut);
        var julienClosed = ClosedAsync(julien);

        var phone = new CookieContainer();
        using var phoneClient = await SignedIn.AsAsync(first, "sophie.martin", cookies: phone);
        await using var sophie = await ConnectAsync(second, phone);
        var sophieClosed = ClosedAsync(sophie);
        using var laptop = await SignedIn.AsAsync(first, "sophie.martin");

        await Forms.PostAsync(viaFirst, "/e/demo/tableau-de-bord", "/e/demo/deconnexion");
        await Forms.PostAsync(laptop, "/e/demo/mon-acces", "/e/demo/mon-acces/autres-appareils");

        await Task.WhenAll(julienClosed, sophieClosed).WaitAsync(TimeSpan.FromSeconds(10));
    }

    static async Task<HubConnection> ConnectAsync(WebNode node, CookieContainer cookies)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(node.DemoSchool, "hubs/live"), options => options.Cookies = cookies)
            .Build();
        await connection.StartAsync();
        return connection;
    }

    static Task ClosedAsync(HubConnection connection)
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        return closed.Task;
    }
}