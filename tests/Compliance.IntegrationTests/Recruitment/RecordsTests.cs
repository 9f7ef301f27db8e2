using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Compliance.IntegrationTests.Infrastructure;
using static Compliance.IntegrationTests.Recruitment.RecruitmentData;

namespace Compliance.IntegrationTests.Recruitment;

public class RecordsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    public static TheoryData<string, string, string> BadRecords => new()
    {
        { "fees", "category", "{\"category\":\"bribe\"}" },
        { "fees", "amount", "{\"amount\":12.345}" },
        { "fees", "amount", "{\"amount\":10.5,\"currency\":\"JPY\"}" },
        { "fees", "amount", "{\"amount\":-1}" },
        { "fees", "currency", "{\"currency\":\"RM\"}" },
        { "fees", "paidBy", "{\"paidBy\":\"family\"}" },
        { "fees", "paidTo", "{\"paidTo\":\"broker\"}" },
        { "fees", "paidOn", "{\"paidOn\":\"01/12/2024\"}" },
        { "fees", "paidInCountry", "{\"paidInCountry\":\"Nepal\"}" },
        { "fees", "loanInterestRatePercent", "{\"loanInterestRatePercent\":24}" },
        { "reimbursements", "amount", "{\"amount\":0}" },
        { "reimbursements", "currency", "{\"currency\":\"myr\"}" },
        { "reimbursements", "reference", "{\"reference\":\"\"}" },
        { "declarations", "kind", "{\"kind\":\"on-arrival\"}" },
        { "declarations", "language", "{\"language\":\"fr\"}" },
        { "declarations", "paidNoFees", "{\"paidNoFees\":null}" },
        { "declarations", "signedOn", "{\"signedOn\":null}" },
        { "contracts", "language", "{\"language\":\"1\"}" },
        { "contracts", "monthlyWage.amount", "{\"monthlyWage\":{\"amount\":0.001,\"currency\":\"MYR\"}}" },
        { "contracts", "hoursPerWeek", "{\"hoursPerWeek\":200}" },
        { "contracts", "termMonths", "{\"termMonths\":0}" },
        { "passport-custody", "holder", "{\"holder\":\"boss\"}" },
        { "passport-custody", "writtenConsent", "{\"holder\":\"agency\",\"writtenConsent\":true}" },
        { "passport-custody", "passportNumber", "{\"passportNumber\":\"A1234567\"}" },
        { "passport-access-requests", "requestedAt", "{\"requestedAt\":null}" },
    };

    private static JsonObject ValidBody(string path) => path switch
    {
        "fees" => FeeBody(),
        "reimbursements" => new JsonObject { ["amount"] = 100m, ["currency"] = "MYR", ["paidOn"] = "2025-03-01", ["reference"] = "BANK-1" },
        "declarations" => DeclarationBody(),
        "contracts" => ContractBody(),
        "passport-custody" => new JsonObject { ["holder"] = "employer-safekeeping", ["since"] = "2025-02-01", ["writtenConsent"] = true },
        _ => new JsonObject { ["requestedAt"] = "2025-03-01T08:00:00Z" },
    };

    [Theory]
    [MemberData(nameof(BadRecords))]
    public async Task Record_WithBadField_Is400NamingIt_AndWritesNothing(string path, string field, string patch)
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        await tenant.PostAsync(worker, "fees", FeeBody());
        var body = ValidBody(path);
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject())
        {
            body[key] = value?.DeepClone();
        }

        var table = path.Replace('-', '_') switch { "passport_access_requests" => "passport_access_requests", var t => t };
        var before = await factory.CountRowsAsync(table);
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsync($"/api/v1/workers/{worker}/{path}", Json(body)), field);
        Assert.Equal(before, await factory.CountRowsAsync(table));
    }

    [Theory]
    [InlineData("fees")]
    [InlineData("reimbursements")]
    [InlineData("declarations")]
    [InlineData("contracts")]
    [InlineData("passport-custody")]
    [InlineData("passport-access-requests")]
    public async Task Record_HappyPath_ListsIt_AndSupplierOfAnotherSupplierGets404(string path)
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        await tenant.PostAsync(worker, "fees", FeeBody());
        var id = await tenant.PostAsync(worker, path, ValidBody(path));
        var list = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/workers/{worker}/{path}"));
        Assert.Contains(list.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);

        var otherSupplier = await tenant.ClientAsync("supplier", await tenant.CreateSupplierAsync());
        await Http.AssertProblemAsync(await otherSupplier.GetAsync($"/api/v1/workers/{worker}/{path}"), 404);
        await Http.AssertProblemAsync(await otherSupplier.PostAsync($"/api/v1/workers/{worker}/{path}", Json(ValidBody(path))), 404);
        var handler = await tenant.ClientAsync("case-handler");
        await Http.AssertProblemAsync(await handler.GetAsync($"/api/v1/workers/{worker}/{path}"), 403);
        await Http.AssertProblemAsync(await handler.PostAsync($"/api/v1/workers/{worker}/{path}", Json(ValidBody(path))), 403);
    }

    [Fact]
    public async Task WorkerPaidFee_IsOwed_ThenReimbursed_ThenSettled_WithDueDate90DaysAfterRecording()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        await tenant.PostAsync(worker, "fees", FeeBody(amount: 1500m));
        await tenant.PostAsync(worker, "fees", FeeBody(paidBy: "employer", amount: 900m));
        var recorded = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);

        var owed = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/workers/{worker}/remediation"));
        Assert.False(owed.GetProperty("settled").GetBoolean());
        var balance = owed.GetProperty("balances")[0];
        Assert.Equal(1500m, balance.GetProperty("outstanding").GetDecimal());
        Assert.Equal(recorded.AddDays(90).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), balance.GetProperty("dueOn").GetString());
        Assert.True((await tenant.WorkerAsync(worker)).Flag("outstandingRemediation"));

        var tooMuch = new JsonObject { ["amount"] = 1600m, ["currency"] = "MYR", ["paidOn"] = "2025-03-01", ["reference"] = "BANK-1" };
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsync($"/api/v1/workers/{worker}/reimbursements", Json(tooMuch)), "amount");
        await tenant.PostAsync(worker, "reimbursements", tooMuch.With(b => b["amount"] = 1500m));

        var settled = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/workers/{worker}/remediation"));
        Assert.True(settled.GetProperty("settled").GetBoolean());
        Assert.Equal(0m, settled.GetProperty("balances")[0].GetProperty("outstanding").GetDecimal());
        var flags = await tenant.WorkerAsync(worker);
        Assert.False(flags.Flag("outstandingRemediation"));
        Assert.True(flags.Flag("paidRecruitmentFees"));
    }

    [Fact]
    public async Task Declaration_RendersInEveryLanguage_AsTextAndHtml_WithTemplateVersion()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync(change: w => w["employeeRef"] = "Tan & <Sons>");
        foreach (var language in Compliance.Domain.Reference.Languages.Supported)
        {
            var id = await tenant.PostAsync(worker, "declarations", DeclarationBody(language));
            var url = $"/api/v1/workers/{worker}/declarations/{id}/document";
            var text = await tenant.Owner.GetAsync(url);
            await Http.EnsureStatusAsync(text, 200);
            Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);
            var body = await text.Content.ReadAsStringAsync();
            Assert.Contains("zero-fee/2026.1", body, StringComparison.Ordinal);
            Assert.Contains("Tan & <Sons>", body, StringComparison.Ordinal);
            Assert.DoesNotContain("NOT ANSWERED", body, StringComparison.Ordinal);

            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
            var html = await tenant.Owner.SendAsync(request);
            await Http.EnsureStatusAsync(html, 200);
            Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
            var page = await html.Content.ReadAsStringAsync();
            Assert.Contains("Tan &amp; &lt;Sons&gt;", page, StringComparison.Ordinal);
            Assert.Contains($"lang=\"{language}\"", page, StringComparison.Ordinal);
        }

        var declaration = await tenant.PostAsync(worker, "declarations", DeclarationBody());
        var json = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/workers/{worker}/declarations/{declaration}/document");
        json.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        await Http.EnsureStatusAsync(await tenant.Owner.SendAsync(json), 406);
    }

    [Fact]
    public async Task Declaration_PaidNoFees_IsContradicted_ByWorkerPaidFee_ListingFeeIds()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        await tenant.PostAsync(worker, "fees", FeeBody(paidBy: "employer"));
        var declaration = await tenant.PostAsync(worker, "declarations", DeclarationBody());
        var url = $"/api/v1/workers/{worker}/declarations/{declaration}";
        Assert.False((await Http.JsonAsync(await tenant.Owner.GetAsync(url))).GetProperty("contradicted").GetBoolean());
        Assert.False((await tenant.WorkerAsync(worker)).Flag("declarationContradicted"));

        var fee = await tenant.PostAsync(worker, "fees", FeeBody());
        var read = await Http.JsonAsync(await tenant.Owner.GetAsync(url));
        Assert.True(read.GetProperty("contradicted").GetBoolean());
        Assert.Equal([fee], read.GetProperty("contradictingFeeIds").EnumerateArray().Select(e => e.GetGuid()));
        var flags = await tenant.WorkerAsync(worker);
        Assert.True(flags.Flag("declarationContradicted"));
        Assert.True(flags.GetProperty("facts").GetProperty("signedZeroFeeDeclaration").GetBoolean());
    }

    [Fact]
    public async Task Contracts_KeepVersions_AndFlagSubstitutionAndLanguage()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        var first = await Http.JsonAsync(await tenant.Owner.PostAsync($"/api/v1/workers/{worker}/contracts", Json(ContractBody())), 201);
        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.False(first.GetProperty("flags").GetProperty("substituted").GetProperty("raised").GetBoolean());
        var better = await Http.JsonAsync(await tenant.Owner.PostAsync($"/api/v1/workers/{worker}/contracts", Json(ContractBody(language: "ne-NP", wage: 1800m, hours: 45m))), 201);
        Assert.False(better.GetProperty("flags").GetProperty("substituted").GetProperty("raised").GetBoolean());
        Assert.False(better.GetProperty("flags").GetProperty("languageMismatch").GetProperty("raised").GetBoolean());
        var flags = await tenant.WorkerAsync(worker);
        Assert.False(flags.Flag("contractSubstituted"));
        Assert.False(flags.Flag("contractLanguageMismatch"));

        var worse = await Http.JsonAsync(await tenant.Owner.PostAsync($"/api/v1/workers/{worker}/contracts", Json(ContractBody(language: "ms", wage: 1750m, hours: 45m))), 201);
        Assert.Equal(3, worse.GetProperty("version").GetInt32());
        Assert.True(worse.GetProperty("flags").GetProperty("substituted").GetProperty("raised").GetBoolean());
        Assert.True(worse.GetProperty("flags").GetProperty("languageMismatch").GetProperty("raised").GetBoolean());
        flags = await tenant.WorkerAsync(worker);
        Assert.True(flags.Flag("contractSubstituted"));
        Assert.True(flags.Flag("contractLanguageMismatch"));
    }

    [Fact]
    public async Task Passport_HeldByEmployerWithConsent_StillFlagged_AndCustodyIsAppendOnly()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        await tenant.PostAsync(worker, "passport-custody", new JsonObject { ["holder"] = "worker", ["since"] = "2025-01-01" });
        Assert.False((await tenant.WorkerAsync(worker)).Flag("passportHeldByOther"));
        await tenant.PostAsync(worker, "passport-custody", new JsonObject { ["holder"] = "employer-safekeeping", ["since"] = "2025-02-01", ["writtenConsent"] = true });
        var flags = await tenant.WorkerAsync(worker);
        Assert.True(flags.Flag("passportHeldByOther"));
        Assert.Equal("FL07", flags.Indicator("passportHeldByOther"));
        Assert.True(flags.GetProperty("facts").GetProperty("passportSafekeepingWithConsent").GetBoolean());

        await using var runtime = new Npgsql.NpgsqlConnection(factory.RuntimeConnectionString);
        await runtime.OpenAsync();
        await using var update = new Npgsql.NpgsqlCommand("update passport_custody set holder = 'worker'", runtime);
        var denied = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => update.ExecuteNonQueryAsync());
        Assert.Equal("42501", denied.SqlState);
        Assert.Equal(0L, await factory.ScalarAsync<long>(
            "select count(*) from information_schema.columns where table_name in ('passport_custody', 'workers') and column_name like '%passport_n%'"));
    }

    [Fact]
    public async Task AccessRequest_OverdueAfter24Hours_UnlessReturned_AndRefusalIsRecorded()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        var now = factory.Clock.GetUtcNow();
        var returned = await tenant.PostAsync(worker, "passport-access-requests", new JsonObject { ["requestedAt"] = now });
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync($"/api/v1/workers/{worker}/passport-access-requests/{returned}/fulfil", Json(new JsonObject { ["returnedAt"] = now.AddHours(3) })), 200);
        var pending = await tenant.PostAsync(worker, "passport-access-requests", new JsonObject { ["requestedAt"] = now });
        Assert.False((await tenant.WorkerAsync(worker)).Flag("passportAccessOverdue"));

        factory.Clock.Advance(TimeSpan.FromHours(25));
        var flags = await tenant.WorkerAsync(worker);
        Assert.True(flags.Flag("passportAccessOverdue"));
        Assert.False(flags.Flag("passportReturnRefused"));
        var list = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/workers/{worker}/passport-access-requests"));
        Assert.Single(list.GetProperty("items").EnumerateArray(), i => i.GetProperty("flags").GetProperty("overdue").GetProperty("raised").GetBoolean());

        var refuse = $"/api/v1/workers/{worker}/passport-access-requests/{pending}/refuse";
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsync(refuse, Json(new JsonObject { ["refusedAt"] = now.AddHours(-1) })), "refusedAt");
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync(refuse, Json(new JsonObject { ["refusedAt"] = now.AddHours(2), ["note"] = "Manager said no" })), 200);
        Assert.True((await tenant.WorkerAsync(worker)).Flag("passportReturnRefused"));
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsync($"/api/v1/workers/{worker}/passport-access-requests/{pending}/fulfil", Json(new JsonObject { ["returnedAt"] = now.AddHours(30) })), "returnedAt");
    }
}
