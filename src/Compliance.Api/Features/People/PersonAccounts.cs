using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Domain.Reference;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Compliance.Api.Features.People;

/// <summary>
/// Told when an account is created, disabled or given two factors (the testimony access roster is written from here by
/// the handling-office area). The default does nothing. Implementations must not log emails.
/// </summary>
public interface IPersonEvents
{
    Task CreatedAsync(Person person, CancellationToken ct);

    Task DisabledAsync(Person person, CancellationToken ct);

    Task TwoFactorEnabledAsync(Person person, CancellationToken ct);
}

public sealed class NoPersonEvents : IPersonEvents
{
    public Task CreatedAsync(Person person, CancellationToken ct) => Task.CompletedTask;

    public Task DisabledAsync(Person person, CancellationToken ct) => Task.CompletedTask;

    public Task TwoFactorEnabledAsync(Person person, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Where a new person belongs: one tenant (tenant roles) or one office (office roles), never both.</summary>
public sealed record Membership(string Role, Guid? TenantId = null, Guid? SupplierId = null, Guid? OfficeId = null)
{
    public static Membership OfTenant(string role, Guid tenantId, Guid? supplierId = null) => new(role, tenantId, supplierId);

    public static Membership OfOffice(string role, Guid officeId) => new(role, OfficeId: officeId);

    /// <summary>The same rules as the table's checks, so a wrong call fails here and not as a 500 from PostgreSQL.</summary>
    public void EnsureValid()
    {
        var office = Roles.Office.Contains(Role);
        if (!office && !Roles.Tenant.Contains(Role))
        {
            throw new ArgumentException($"Unknown role '{Role}'.", nameof(Role));
        }

        if ((TenantId is null) == (OfficeId is null) || office != (OfficeId is not null) || (Role == Roles.Supplier) != (SupplierId is not null))
        {
            throw new ArgumentException($"A {Role} belongs to {(office ? "an office" : "a tenant")} only{(Role == Roles.Supplier ? ", with a supplier" : string.Empty)}.");
        }
    }
}

/// <summary>The outcome of creating an account: the person, or Identity's errors (an email already in use, a weak password).</summary>
public sealed record AccountResult(Person? Person, IReadOnlyList<IdentityError> Errors, string? SetupCode = null)
{
    public bool Succeeded => Person is not null;

    /// <summary>True when the email is taken: the API answers 409.</summary>
    public bool EmailTaken => Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail));
}

/// <summary>
/// Creating, setting up and disabling people. Each call runs on the identity store's own connection (and commits
/// there) unless <see cref="EnlistAsync"/> put it in the caller's transaction first.
/// </summary>
public sealed class PersonAccounts(
    UserManager<Person> users,
    IdentityStoreContext store,
    IPersonEvents events,
    TimeProvider clock)
{
    /// <summary>How long an invitation's setup code works.</summary>
    public static readonly TimeSpan SetupCodeLifetime = TimeSpan.FromDays(7);

    /// <summary>20 characters of Crockford base32: 100 random bits, typed once.</summary>
    public const int SetupCodeLength = 20;

    /// <summary>
    /// Creates a person with no password and a one-time setup code (returned once; only its SHA-256 is stored) with
    /// which they choose a password at <c>/console/setup</c> within <see cref="SetupCodeLifetime"/>.
    /// </summary>
    public async Task<AccountResult> InviteAsync(string email, string displayName, Membership membership, CancellationToken ct)
    {
        var code = RandomCodes.New(SetupCodeLength);
        var person = New(email, displayName, membership);
        person.SetupCodeHash = HashSetupCode(code);
        person.SetupCodeExpiresAt = clock.GetUtcNow() + SetupCodeLifetime;
        var created = await users.CreateAsync(person);
        if (!created.Succeeded)
        {
            return new AccountResult(null, [.. created.Errors]);
        }

        await events.CreatedAsync(person, ct);
        return new AccountResult(person, [], code);
    }

    /// <summary>Creates a person who chose their own password (an office's signup). Identity's password rules apply.</summary>
    public async Task<AccountResult> CreateWithPasswordAsync(string email, string displayName, string password, Membership membership, CancellationToken ct)
    {
        var person = New(email, displayName, membership);
        var created = await users.CreateAsync(person, password);
        if (!created.Succeeded)
        {
            return new AccountResult(null, [.. created.Errors]);
        }

        await events.CreatedAsync(person, ct);
        return new AccountResult(person, []);
    }

    /// <summary>
    /// Disables a person: sign-in is refused and, because the security stamp changes, every session of theirs ends at
    /// its next request. The caller has already checked that the person is one it may disable (its tenant's or office's).
    /// Returns false when there is no such person; disabling twice changes nothing.
    /// </summary>
    public async Task<bool> DisableAsync(Guid personId, CancellationToken ct)
    {
        if (await users.FindByIdAsync(personId.ToString()) is not { } person)
        {
            return false;
        }

        if (person.DisabledAt is not null)
        {
            return true;
        }

        person.DisabledAt = clock.GetUtcNow();
        person.SetupCodeHash = null;
        person.SetupCodeExpiresAt = null;
        var updated = await users.UpdateSecurityStampAsync(person);
        if (!updated.Succeeded)
        {
            throw new InvalidOperationException("Disabling a person failed: " + string.Join("; ", updated.Errors.Select(e => e.Code)));
        }

        await events.DisabledAsync(person, ct);
        return true;
    }

    /// <summary>
    /// Sets the password of the person whose email and unexpired setup code these are, and uses up the code. Returns null
    /// (and changes nothing) when the email, code or expiry do not match, without saying which.
    /// </summary>
    public async Task<IdentityResult?> SetUpAsync(string email, string code, string password, CancellationToken ct)
    {
        var person = await users.FindByEmailAsync(email);
        var hash = HashSetupCode(code);
        if (person is not { DisabledAt: null, SetupCodeHash: { } stored, SetupCodeExpiresAt: { } expires }
            || !CryptographicOperations.FixedTimeEquals(stored, hash)
            || expires <= clock.GetUtcNow())
        {
            return null;
        }

        // A reset token lets the same path serve a first password and a replacement; it also changes the security stamp.
        var token = await users.GeneratePasswordResetTokenAsync(person);
        var reset = await users.ResetPasswordAsync(person, token, password);
        if (!reset.Succeeded)
        {
            return reset;
        }

        person.SetupCodeHash = null;
        person.SetupCodeExpiresAt = null;
        person.EmailConfirmed = true;
        return await users.UpdateAsync(person);
    }

    /// <summary>
    /// Puts the identity store in the caller's open transaction on <paramref name="connection"/> (an office's signup
    /// creating the office and its first admin together): from here on, this scope's account calls run and commit with
    /// it. The transaction gets <c>app.identity_store</c> set for itself only (<c>set_config(..., true)</c>), so for
    /// its remaining statements it sees across people, as the identity store does: enlist only in a transaction that
    /// reads nothing else about people. Call before any other use of this scope's identity store.
    /// </summary>
    public async Task EnlistAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using (var on = new NpgsqlCommand("select set_config('app.identity_store', 'on', true)", connection, transaction))
        {
            await on.ExecuteNonQueryAsync(ct);
        }

        store.Database.SetDbConnection(connection);
        await store.Database.UseTransactionAsync(transaction, ct);
    }

    /// <summary>SHA-256 of the code as typed, ignoring case, spaces and dashes.</summary>
    public static byte[] HashSetupCode(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var normalized = new string([.. code.Where(c => c is not (' ' or '-')).Select(char.ToUpperInvariant)]);
        return SHA256.HashData(Encoding.UTF8.GetBytes(normalized));
    }

    private Person New(string email, string displayName, Membership membership)
    {
        membership.EnsureValid();
        return new Person
        {
            Id = Guid.CreateVersion7(),
            UserName = email,
            Email = email,
            DisplayName = displayName,
            Role = membership.Role,
            TenantId = membership.TenantId,
            SupplierId = membership.SupplierId,
            OfficeId = membership.OfficeId,
            LockoutEnabled = true,
            CreatedAt = clock.GetUtcNow(),
        };
    }
}
