using ItSchool.Accounts;
using ItSchool.Schools;

namespace ItSchool.Tests.Accounts;

public sealed class LoginTokensTests(AccountsDatabase db) : IClassFixture<AccountsDatabase>
{
    [Fact]
    public async Task A_token_opens_its_account_once_and_sets_the_password()
    {
        var marc = await db.AccountAsync("marc.dubois");
        var token = await db.Tokens.IssueAsync(DemoSchool.Id, marc.Id, TokenPurpose.Invitation);

        var check = await db.Tokens.CheckAsync(DemoSchool.Id, $"  {token.ToLowerInvariant()} ");
        Assert.Equal(new TokenCheck(TokenState.Valid, "marc.dubois"), check);

        var first = await db.Tokens.RedeemAsync(DemoSchool.Id, token, PasswordHash.Create("Namur-2026-ok"));
        Assert.Equal((TokenState.Valid, marc.Id), first);
        var second = await db.Tokens.RedeemAsync(DemoSchool.Id, token, PasswordHash.Create("Other-2026-pw"));
        Assert.Equal(TokenState.Used, second.State);

        Assert.NotNull(await db.Accounts.SignInAsync(DemoSchool.Id, "marc.dubois", "Namur-2026-ok"));
        Assert.Null(await db.Accounts.SignInAsync(DemoSchool.Id, "marc.dubois", "Other-2026-pw"));
        // Redeeming a token is a reset: every session issued before it ends.
        Assert.NotEqual(marc.SessionStamp, await db.Accounts.SessionStampAsync(DemoSchool.Id, marc.Id));
    }

    [Fact]
    public async Task A_token_expires_after_fourteen_days()
    {
        var sophie = await db.AccountAsync("sophie.martin");
        var token = await db.Tokens.IssueAsync(DemoSchool.Id, sophie.Id, TokenPurpose.Invitation);

        db.Clock.Advance(LoginTokens.InvitationLifetime - TimeSpan.FromMinutes(1));
        Assert.Equal(TokenState.Valid, (await db.Tokens.CheckAsync(DemoSchool.Id, token)).State);
        db.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(TokenState.Expired, (await db.Tokens.CheckAsync(DemoSchool.Id, token)).State);
        Assert.Equal(TokenState.Expired, (await db.Tokens.RedeemAsync(DemoSchool.Id, token, PasswordHash.Create("Liege-2026-ok"))).State);
    }

    [Fact]
    public async Task A_newer_token_replaces_the_older_ones_of_its_purpose()
    {
        var julien = await db.AccountAsync("julien.peeters");
        var older = await db.Tokens.IssueAsync(DemoSchool.Id, julien.Id, TokenPurpose.Invitation);
        var newer = await db.Tokens.IssueAsync(DemoSchool.Id, julien.Id, TokenPurpose.Invitation);

        Assert.Equal(TokenState.Replaced, (await db.Tokens.CheckAsync(DemoSchool.Id, older)).State);
        Assert.Equal(TokenState.Replaced, (await db.Tokens.RedeemAsync(DemoSchool.Id, older, PasswordHash.Create("Mons-2026-pwd"))).State);
        Assert.Equal(TokenState.Valid, (await db.Tokens.CheckAsync(DemoSchool.Id, newer)).State);
    }

    [Fact]
    public async Task A_reset_token_expires_after_a_few_hours_while_an_invitation_keeps_its_fourteen_days()
    {
        var pierre = await db.AccountAsync("pierre.lefevre");
        var invitation = await db.Tokens.IssueAsync(DemoSchool.Id, pierre.Id, TokenPurpose.Invitation);
        var reset = await db.Tokens.IssueAsync(DemoSchool.Id, pierre.Id, TokenPurpose.Reset);

        db.Clock.Advance(LoginTokens.ResetLifetime - TimeSpan.FromMinutes(1));
        Assert.Equal(TokenState.Valid, (await db.Tokens.CheckAsync(DemoSchool.Id, reset)).State);
        db.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(TokenState.Expired, (await db.Tokens.CheckAsync(DemoSchool.Id, reset)).State);
        Assert.Equal(TokenState.Expired, (await db.Tokens.RedeemAsync(DemoSchool.Id, reset, PasswordHash.Create("Wavre-2026-ok"))).State);
        Assert.Equal(TimeSpan.FromHours(4), LoginTokens.ResetLifetime);
        Assert.Equal(TokenState.Valid, (await db.Tokens.CheckAsync(DemoSchool.Id, invitation)).State);
    }

    [Fact]
    public async Task A_reset_request_leaves_the_invitation_valid_and_using_either_ends_the_other()
    {
        var amelie = await db.AccountAsync("amelie.lefevre");
        var invitation = await db.Tokens.IssueAsync(DemoSchool.Id, amelie.Id, TokenPurpose.Invitation);
        // A stranger types the parent's address on "Mot de passe oublié ?".
        var reset = await db.Tokens.IssueAsync(DemoSchool.Id, amelie.Id, TokenPurpose.Reset);

        Assert.Equal(TokenState.Valid, (await db.Tokens.CheckAsync(DemoSchool.Id, invitation)).State);
        Assert.Equal(TokenState.Valid, (await db.Tokens.CheckAsync(DemoSchool.Id, reset)).State);
        Assert.Equal(TokenState.Valid, (await db.Tokens.RedeemAsync(DemoSchool.Id, invitation, PasswordHash.Create("Ath-2026-good"))).State);
        Assert.Equal(TokenState.Replaced, (await db.Tokens.CheckAsync(DemoSchool.Id, reset)).State);

        var marc = await db.AccountAsync("marc.dubois");
        var second = await db.Tokens.IssueAsync(DemoSchool.Id, marc.Id, TokenPurpose.Invitation);
        var secondReset = await db.Tokens.IssueAsync(DemoSchool.Id, marc.Id, TokenPurpose.Reset);
        Assert.Equal(TokenState.Valid, (await db.Tokens.RedeemAsync(DemoSchool.Id, secondReset, PasswordHash.Create("Spa-2026-good"))).State);
        Assert.Equal(TokenState.Replaced, (await db.Tokens.CheckAsync(DemoSchool.Id, second)).State);
    }

    [Fact]
    public async Task Two_browsers_redeeming_one_token_at_once_get_one_success()
    {
        var karim = await db.AccountAsync("karim.benali");
        var token = await db.Tokens.IssueAsync(DemoSchool.Id, karim.Id, TokenPurpose.Invitation);
        var hash = PasswordHash.Create("Charleroi-2026");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => db.Tokens.RedeemAsync(DemoSchool.Id, token, hash)));

        Assert.Single(results, r => r.State == TokenState.Valid);
        Assert.All(results.Where(r => r.State != TokenState.Valid), r => Assert.Equal(TokenState.Used, r.State));
    }

    [Fact]
    public async Task A_token_opens_nothing_at_another_school()
    {
        var claire = await db.AccountAsync("claire.dupont");
        var token = await db.Tokens.IssueAsync(DemoSchool.Id, claire.Id, TokenPurpose.Invitation);

        Assert.Equal(TokenState.Unknown, (await db.Tokens.CheckAsync(Guid.NewGuid(), token)).State);
        Assert.Equal(TokenState.Unknown, (await db.Tokens.RedeemAsync(Guid.NewGuid(), token, PasswordHash.Create("Arlon-2026-pw"))).State);
        Assert.Equal(TokenState.Valid, (await db.Tokens.CheckAsync(DemoSchool.Id, token)).State);
    }

    [Fact]
    public async Task Only_the_hash_of_a_token_is_stored()
    {
        var amelie = await db.AccountAsync("amelie.lefevre");
        var token = await db.Tokens.IssueAsync(DemoSchool.Id, amelie.Id, TokenPurpose.Reset);

        var storedAsText = await db.Database.ScalarAsync<long>(
            "SELECT count(*) FROM login_tokens WHERE encode(token_hash, 'escape') LIKE '%' || @t || '%' OR encode(token_hash, 'hex') = @t",
            ("t", LoginToken.Normalize(token)!));
        Assert.Equal(0, storedAsText);
        Assert.Equal(32, await db.Database.ScalarAsync<int>(
            "SELECT length(token_hash) FROM login_tokens WHERE user_id = @u AND used_at IS NULL AND revoked_at IS NULL", ("u", amelie.Id)));
    }
}