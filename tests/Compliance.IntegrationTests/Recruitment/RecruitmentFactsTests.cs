using System.Text.Json.Nodes;
using Compliance.Api.Infrastructure.Database;
using Compliance.IntegrationTests.Infrastructure;
using Npgsql;
using static Compliance.IntegrationTests.Recruitment.RecruitmentData;

namespace Compliance.IntegrationTests.Recruitment;

/// <summary>
/// The per-worker recruitment facts kept at write time (migration 013) stay equal to a full recompute from the
/// source records after every kind of write: each API write path, owner corrections (update, delete), a bulk import,
/// a worker moving site, and two transactions writing for the same worker at once. The drift check itself is shown
/// to catch a write that bypassed the triggers, so these tests can fail.
/// </summary>
public class RecruitmentFactsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    // fees paid by the worker, financed by a loan, paid to a sub-agent, outstanding; declared no fees; contract substituted, not in the worker's language
    private const string FactColumns =
        "row(fees_paid_by_worker, fees_financed_by_loan, fees_paid_to_sub_agent, fees_outstanding, declared_no_fees, contract_substituted, contract_language_mismatch)::text";

    private Task<long> DriftAsync() => factory.ScalarAsync<long>("select count(*) from app.worker_recruitment_facts_drift()");

    private async Task<string> FactsAsync(Guid worker)
    {
        Assert.Equal(0L, await DriftAsync());
        return await factory.ScalarAsync<string>($"select {FactColumns} from workers where id = @w", ("w", worker));
    }

    [Fact]
    public async Task EveryApiWrite_KeepsTheFactsEqualToAFullRecompute()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var worker = await tenant.CreateWorkerAsync(site.Id);
        Assert.Equal("(f,f,f,f,f,f,f)", await FactsAsync(worker));

        await tenant.PostAsync(worker, "fees", FeeBody(amount: 1500m));
        Assert.Equal("(t,f,f,t,f,f,f)", await FactsAsync(worker));

        var reimbursement = new JsonObject { ["amount"] = 1000m, ["currency"] = "MYR", ["paidOn"] = "2025-03-01", ["reference"] = "BANK-1" };
        await tenant.PostAsync(worker, "reimbursements", reimbursement);
        Assert.Equal("(t,f,f,t,f,f,f)", await FactsAsync(worker));
        await tenant.PostAsync(worker, "reimbursements", reimbursement.With(r => r["amount"] = 500m));
        Assert.Equal("(t,f,f,f,f,f,f)", await FactsAsync(worker));

        await tenant.PostAsync(worker, "fees", FeeBody(paidBy: "employer").With(f =>
        {
            f["paidTo"] = "sub-agent";
            f["financedByLoan"] = true;
            f["loanInterestRatePercent"] = 12m;
        }));
        Assert.Equal("(t,t,t,f,f,f,f)", await FactsAsync(worker));

        await tenant.PostAsync(worker, "declarations", DeclarationBody());
        Assert.Equal("(t,t,t,f,t,f,f)", await FactsAsync(worker));
        Assert.True((await tenant.WorkerAsync(worker)).Flag("declarationContradicted"));

        await tenant.PostAsync(worker, "contracts", ContractBody(language: "en", wage: 2000m));
        Assert.Equal("(t,t,t,f,t,f,t)", await FactsAsync(worker));
        await tenant.PostAsync(worker, "contracts", ContractBody(language: "en", wage: 1500m));
        Assert.Equal("(t,t,t,f,t,t,t)", await FactsAsync(worker));

        // The worker's language changes: the contracts are now in their language.
        var update = WorkerBody(site.Id).With(w => w["preferredLanguage"] = "en");
        await Http.JsonAsync(await tenant.Owner.PutAsync($"/api/v1/workers/{worker}", Json(update)));
        Assert.Equal("(t,t,t,f,t,t,f)", await FactsAsync(worker));

        // Moving site cascades to every record of the worker (updates): the facts are recomputed and unchanged.
        var other = await tenant.CreateSiteAsync(site.SupplierId);
        await Http.JsonAsync(await tenant.Owner.PutAsync($"/api/v1/workers/{worker}", Json(update.With(w => w["siteId"] = other.Id))));
        Assert.Equal(other.Id, await factory.ScalarAsync<Guid>("select site_id from fees where worker_id = @w limit 1", ("w", worker)));
        Assert.Equal("(t,t,t,f,t,t,f)", await FactsAsync(worker));
    }

    [Fact]
    public async Task FutureDatedCustody_TakesEffectOnItsDate_WithoutAnotherWrite()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        await tenant.PostAsync(worker, "passport-custody", new JsonObject { ["holder"] = "agency", ["since"] = "2025-01-01" });
        Assert.True((await tenant.WorkerAsync(worker)).Flag("passportHeldByOther"));

        // Kept as the latest record, dated after today: until then the earlier record is the holder.
        var inTwoDays = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(2);
        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        await tenant.PostAsync(worker, "passport-custody", new JsonObject { ["holder"] = "worker", ["since"] = inTwoDays.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) });
        Assert.Equal(0L, await DriftAsync());
        Assert.Equal("worker", await factory.ScalarAsync<string>("select custody_latest_holder from workers where id = @w", ("w", worker)));
        Assert.True((await tenant.WorkerAsync(worker)).Flag("passportHeldByOther"));

        factory.Clock.Advance(TimeSpan.FromDays(3));
        Assert.False((await tenant.WorkerAsync(worker)).Flag("passportHeldByOther"));
    }

    [Fact]
    public async Task BulkImport_RefreshesEveryImportedWorker()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var csv = ImportTests.Header + "\n" + string.Join("\n", Enumerable.Range(0, 5).Select(i => ImportTests.Row(site.Id, $"F-{i}")));
        await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/imports/workers", new StringContent(csv, System.Text.Encoding.UTF8, "text/csv")), 201);

        Assert.Equal(0L, await DriftAsync());
        Assert.Equal(5L, await factory.ScalarAsync<long>(
            "select count(*) from workers where site_id = @s and fees_paid_by_worker and fees_financed_by_loan and fees_outstanding", ("s", site.Id)));
    }

    [Fact]
    public async Task OwnerCorrections_UpdatesAndDeletes_RefreshTheFacts()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        await tenant.PostAsync(worker, "fees", FeeBody(amount: 1500m));
        await tenant.PostAsync(worker, "reimbursements", new JsonObject { ["amount"] = 1500m, ["currency"] = "MYR", ["paidOn"] = "2025-03-01", ["reference"] = "B" });
        await tenant.PostAsync(worker, "contracts", ContractBody(wage: 2000m));
        await tenant.PostAsync(worker, "contracts", ContractBody(wage: 1500m));
        Assert.Equal("(t,f,f,f,f,t,f)", await FactsAsync(worker));

        await factory.ScalarAsync<int>("with d as (delete from reimbursements where worker_id = @w returning 1) select count(*)::int from d", ("w", worker));
        Assert.Equal("(t,f,f,t,f,t,f)", await FactsAsync(worker));

        await factory.ScalarAsync<int>("with u as (update fees set paid_by = 'employer' where worker_id = @w returning 1) select count(*)::int from u", ("w", worker));
        Assert.Equal("(f,f,f,f,f,t,f)", await FactsAsync(worker));

        await factory.ScalarAsync<int>("with d as (delete from contracts where worker_id = @w and version = 2 returning 1) select count(*)::int from d", ("w", worker));
        Assert.Equal("(f,f,f,f,f,f,f)", await FactsAsync(worker));
    }

    [Fact]
    public async Task DriftCheck_FindsAWriteThatBypassedTheTriggers_AndARefreshRepairsIt()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        await using (var owner = new NpgsqlConnection(factory.OwnerConnectionString))
        {
            await owner.OpenAsync();
            await using var cmd = new NpgsqlCommand($"set session_replication_role = replica; {InsertFeeSql}; set session_replication_role = origin;", owner);
            cmd.Parameters.AddWithValue("w", worker);
            await cmd.ExecuteNonQueryAsync();
        }

        Assert.Equal(1L, await factory.ScalarAsync<long>("select count(*) from app.worker_recruitment_facts_drift() where worker_id = @w", ("w", worker)));
        // Repaired through the bulk path (over 1,000 workers: one pass joined to the list); API writes take the other.
        await factory.ScalarAsync<string>(
            "select app.refresh_worker_recruitment_facts(@t, array[@w] || array(select gen_random_uuid() from generate_series(1, 1000)))::text",
            ("t", tenant.TenantId),
            ("w", worker));
        Assert.Equal("(t,f,f,t,f,f,f)", await FactsAsync(worker));
    }

    [Fact]
    public async Task TwoTransactionsWritingForOneWorker_BothCommit_AndTheFactsHoldBothWrites()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();

        await using var first = await OpenScopedAsync(tenant.TenantId);
        await using var second = await OpenScopedAsync(tenant.TenantId);
        await ExecuteAsync(first, InsertFeeSql, worker);

        // The second writer's refresh waits for the first's lock on the worker, then reads what the first committed.
        var secondWrite = ExecuteAsync(second, InsertDeclarationSql, worker);
        await WaitUntilWaitingOnALockAsync(second.Connection.ProcessID);
        Assert.False(secondWrite.IsCompleted);
        await first.Transaction.CommitAsync();
        await secondWrite;
        await second.Transaction.CommitAsync();

        Assert.Equal("(t,f,f,t,t,f,f)", await FactsAsync(worker));
    }

    [Fact]
    public async Task WritesOutsideReadCommitted_AreRefused_SoAStaleSnapshotCannotBeKept()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        await using var connection = new NpgsqlConnection(factory.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await TenantSql.SetAsync(connection, tx, tenant.TenantId, null, CancellationToken.None);
        await using var cmd = new NpgsqlCommand(InsertFeeSql, connection, tx);
        cmd.Parameters.AddWithValue("w", worker);
        var error = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
        Assert.Contains("READ COMMITTED", error.MessageText, StringComparison.Ordinal);
    }

    private const string InsertFeeSql = """
        insert into fees (id, tenant_id, supplier_id, site_id, worker_id, category, amount, currency, paid_by, paid_to, paid_on, paid_in_country, financed_by_loan, recorded_at)
        select gen_random_uuid(), tenant_id, supplier_id, site_id, id, 'recruitment', 900, 'MYR', 'worker', 'agency', date '2024-12-01', 'NP', false, now()
        from workers where id = @w
        """;

    private const string InsertDeclarationSql = """
        insert into declarations (id, tenant_id, supplier_id, site_id, worker_id, kind, language, signed_on, paid_no_fees, holds_own_passport, contract_explained, template_version, recorded_at)
        select gen_random_uuid(), tenant_id, supplier_id, site_id, id, 'post-arrival', 'ne', date '2025-02-02', true, true, true, 'v1', now()
        from workers where id = @w
        """;

    private sealed record Scoped(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    private async Task<Scoped> OpenScopedAsync(Guid tenantId)
    {
        var connection = new NpgsqlConnection(factory.RuntimeConnectionString);
        await connection.OpenAsync();
        var tx = await connection.BeginTransactionAsync();
        await TenantSql.SetAsync(connection, tx, tenantId, null, CancellationToken.None);
        return new Scoped(connection, tx);
    }

    private static async Task ExecuteAsync(Scoped scoped, string sql, Guid worker)
    {
        await using var cmd = new NpgsqlCommand(sql, scoped.Connection, scoped.Transaction);
        cmd.Parameters.AddWithValue("w", worker);
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }

    private async Task WaitUntilWaitingOnALockAsync(int processId)
    {
        for (var i = 0; i < 200; i++)
        {
            var waiting = await factory.ScalarAsync<bool>("select exists (select 1 from pg_stat_activity where pid = @p and wait_event_type = 'Lock')", ("p", processId));
            if (waiting)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail("the second writer never waited for the first one's lock on the worker");
    }
}
