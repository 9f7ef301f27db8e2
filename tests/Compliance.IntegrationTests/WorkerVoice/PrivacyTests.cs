using System.Net;
using System.Text;
using System.Text.Json;
using Compliance.IntegrationTests.Channels;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Risk;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Compliance.IntegrationTests.WorkerVoice;

/// <summary>DNH-2: nothing on the worker path stores or logs a network identifier, in the database or any log.</summary>
public class PrivacyTests(ChannelsApiFactory factory) : IClassFixture<ChannelsApiFactory>
{
    private const string UserAgentCanary = "CanaryAgent-7f3e9/1.0";
    private const string ForwardedCanary = "198.51.100.23";
    private const string ForwardedTokenCanary = "canaryxff51a2";
    private const string CookieCanary = "canarycookie93b1";
    private const string ClientAddressCanary = "203.0.113.77";
    private const string NarrativeCanary = "canarynarrative-e41c: the supervisor keeps our passports in his office";

    private static readonly string[] Canaries = [UserAgentCanary, "CanaryAgent", ForwardedCanary, ForwardedTokenCanary, CookieCanary, ClientAddressCanary, "canarynarrative"];

    private async Task<(int Status, string Body, HttpResponseMessage Response)> SendAsync(string method, string path, string? contentType = null, string? body = null, string? receiptHeader = null)
    {
        _ = factory.Server;
        using var client = new HttpClient(factory.Server.CreateHandler(c => c.Connection.RemoteIpAddress = IPAddress.Parse(ClientAddressCanary)))
        {
            BaseAddress = factory.Server.BaseAddress,
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgentCanary);
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", $"{ForwardedCanary}, {ForwardedTokenCanary}");
        request.Headers.TryAddWithoutValidation("X-Real-IP", ForwardedCanary);
        request.Headers.TryAddWithoutValidation("Cookie", $"sid={CookieCanary}");
        if (receiptHeader is not null)
        {
            request.Headers.Add("X-Receipt", receiptHeader);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, contentType!);
        }

        var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    [Fact]
    public async Task Dnh2_CanariesInHeadersAndClientAddress_AppearInNoTableAndNoLogLine()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var json = JsonSerializer.Serialize(new { language = "en", categories = new[] { "documents-held" }, narrative = NarrativeCanary });

        var filed = await SendAsync("POST", $"/api/v1/intake/{site.IntakeCode}/grievances", "application/json", json);
        Assert.True(filed.Status == 201, $"{filed.Status}: {filed.Body}");
        var receipt = JsonDocument.Parse(filed.Body).RootElement.GetProperty("receipt").GetString()!;
        Assert.Equal(200, (await SendAsync("POST", "/api/v1/intake/follow-up", receiptHeader: receipt)).Status);
        Assert.Equal(200, (await SendAsync("POST", "/api/v1/intake/follow-up/messages", "application/json", JsonSerializer.Serialize(new { receipt, message = "canarynarrative message" }))).Status);
        Assert.Equal(200, (await SendAsync("POST", "/api/v1/intake/follow-up/consent", "application/json", JsonSerializer.Serialize(new { receipt, consent = new { ngo = true } }))).Status);
        Assert.Equal(200, (await SendAsync("GET", $"/v/{site.IntakeCode}")).Status);
        Assert.Equal(200, (await SendAsync("GET", $"/v/{site.IntakeCode}/en")).Status);
        var form = $"language=en&categories=owe-money&narrative={Uri.EscapeDataString(NarrativeCanary)}&consent=ngo";
        var page = await SendAsync("POST", $"/v/{site.IntakeCode}/en", "application/x-www-form-urlencoded", form);
        Assert.Equal(200, page.Status);
        Assert.False(page.Response.Headers.Contains("Set-Cookie"));
        Assert.Equal(200, (await SendAsync("GET", "/v/follow-up?lang=en")).Status);
        Assert.Equal(200, (await SendAsync("POST", "/v/follow-up?lang=en", "application/x-www-form-urlencoded", $"receipt={Uri.EscapeDataString(receipt)}")).Status);
        Assert.Equal(200, (await SendAsync("POST", "/v/follow-up/messages?lang=en", "application/x-www-form-urlencoded", $"receipt={Uri.EscapeDataString(receipt)}&message=canarynarrative+page+message")).Status);
        Assert.Equal(200, (await SendAsync("POST", "/v/follow-up/consent?lang=en", "application/x-www-form-urlencoded", $"receipt={Uri.EscapeDataString(receipt)}&consent=ngo&consent=labour-authority")).Status);
        Assert.Equal(404, (await SendAsync("POST", "/api/v1/intake/follow-up", receiptHeader: "1111 1111 1111 1111 1111")).Status);

        var digits = receipt.Replace(" ", string.Empty, StringComparison.Ordinal);
        string[] secrets = [.. Canaries, digits, receipt];
        Assert.Empty(await FindInDatabaseAsync(secrets));
        Assert.Empty(await FindInSealedColumnsAsync([.. Canaries.Where(c => c != "canarynarrative"), digits, receipt], "canarynarrative page message"));
        var leaks = factory.Logs.Lines.Where(l => secrets.Any(c => l.Contains(c, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.Empty(leaks);
        var codeLines = factory.Logs.Lines.Where(l => l.Contains(site.IntakeCode, StringComparison.Ordinal)).ToList();
        Assert.True(codeLines.Count == 0, string.Join("\n", codeLines));
        Assert.NotEmpty(factory.Logs.Lines);
    }

    /// <summary>
    /// Issue #20, DNH-2: a canary phone number sent through every channel (SMS, WhatsApp, a voice call in a language with a
    /// voice and one handed over to SMS, follow-ups and a consent change by receipt, redelivery, the deletion job) appears
    /// in no column of any table (Hangfire's job arguments included), in no sealed testimony, in no log line and in no job
    /// argument. Mutation that fails it (tried): in <c>TwilioChannels.SmsAsync</c>, log the form's <c>From</c> at
    /// Information.
    /// </summary>
    [Fact]
    public async Task Dnh2_CanaryPhoneNumber_ThroughEveryChannel_AppearsInNoTableNoLogLineAndNoJob()
    {
        const string Canary = "+60177712345";
        const string CanaryDigits = "77712345";
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var sms = factory.NewNumber();
        var whatsapp = factory.NewNumber();
        var voice = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "sms", sms);
        await ChannelsApiFactory.MapNumberAsync(tenant, "whatsapp", whatsapp, site.Id);
        await ChannelsApiFactory.MapNumberAsync(tenant, "voice", voice, site.Id);

        // SMS, the whole conversation, then the receipt, a message and a consent change; a redelivery on the way.
        string receipt = string.Empty;
        foreach (var body in new[] { "hello", "4", site.IntakeCode, "1 11", "canarynarrative sms", "#", "1" })
        {
            var sid = ChannelsApiFactory.NewSid("SM");
            var reply = string.Join('\n', await factory.SmsAsync(Canary, sms, body, sid));
            Assert.Equal(reply, string.Join('\n', await factory.SmsAsync(Canary, sms, body, sid)));
            receipt = reply;
        }

        receipt = new string([.. receipt.Where(char.IsAsciiDigit)])[..20];
        await factory.SmsAsync(Canary, sms, receipt);
        await factory.SmsAsync(Canary, sms, receipt + " canarynarrative follow-up");
        await factory.SmsAsync(Canary, sms, "सहमति");
        await factory.SmsAsync(Canary, sms, "2");

        // WhatsApp, with its own number form (no +).
        foreach (var body in new[] { "hi", "6", "3", "canarynarrative whatsapp", "#", "0", receipt })
        {
            await factory.WhatsAppAsync(Canary.TrimStart('+'), whatsapp, body);
        }

        // Voice: the keypad IVR in Malay, then a call handed over to SMS in Khmer.
        var call = ChannelsApiFactory.NewSid("CA");
        await factory.VoiceAsync(Canary, voice, call);
        await factory.VoiceAsync(Canary, voice, call, "language", "2");
        await factory.VoiceAsync(Canary, voice, call, "mode", "1");
        await factory.VoiceAsync(Canary, voice, call, "categories", "2*5");
        await factory.VoiceAsync(Canary, voice, call, "consent", "1");
        var third = ChannelsApiFactory.NewSid("CA");
        await factory.VoiceAsync(Canary, voice, third);
        await factory.VoiceAsync(Canary, voice, third, "language", "1");
        await factory.VoiceAsync(Canary, voice, third, "mode", "2");
        await factory.VoiceAsync(Canary, voice, third, "receipt", receipt);
        var second = ChannelsApiFactory.NewSid("CA");
        await factory.VoiceAsync(Canary, voice, second);
        await factory.VoiceAsync(Canary, voice, second, "language", "7");
        Assert.NotEmpty(factory.TwilioMessagesTo(Canary));
        foreach (var body in new[] { "1", "canarynarrative handed over", "#", "0" })
        {
            await factory.SmsAsync(Canary, voice, body);
        }

        Assert.Equal(4L, await factory.ScalarAsync<long>("select count(*) from grievances where tenant_id = @t", ("t", tenant.TenantId)));
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
        Assert.NotEmpty(factory.DeletedSids());

        string[] needles = [CanaryDigits, Canary, Canary.TrimStart('+')];
        Assert.Empty(await FindInDatabaseAsync(needles));
        Assert.Empty(await FindInSealedColumnsAsync(needles, "canarynarrative handed over"));
        var jobs = await factory.ScalarAsync<long>(
            "select count(*) from hangfire.job where invocationdata::text like @n or arguments::text like @n", ("n", $"%{CanaryDigits}%"));
        Assert.Equal(0L, jobs);
        Assert.True(await factory.ScalarAsync<long>("select count(*) from hangfire.job where invocationdata::text like '%ProviderDeletionJob%'") > 0);
        var leaks = factory.Logs.Lines.Where(l => needles.Any(n => l.Contains(n, StringComparison.Ordinal))).ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));

        // And literally as the issue asks: a pg_dump of the whole database (schema, data, Hangfire's tables).
        var dump = await PgDumpAsync();
        Assert.Contains("COPY public.grievances", dump, StringComparison.Ordinal);
        Assert.Contains("ProviderDeletionJob", dump, StringComparison.Ordinal);
        Assert.All(needles, n => Assert.DoesNotContain(n, dump, StringComparison.Ordinal));
    }

    /// <summary>The database as <c>pg_dump</c> (the machine's own, beside the real <c>initdb</c>) writes it, in plain SQL.</summary>
    private async Task<string> PgDumpAsync()
    {
        var binaries = Compliance.Api.Infrastructure.Database.EmbeddedPostgres.FindBinaries()
            ?? throw new InvalidOperationException(Compliance.Api.Infrastructure.Database.EmbeddedPostgres.InstallHint);
        var initdb = new FileInfo(Path.Combine(binaries, "initdb"));
        var pgDump = Path.Combine(Path.GetDirectoryName(initdb.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb.FullName)!, "pg_dump");
        var c = new NpgsqlConnectionStringBuilder(factory.OwnerConnectionString);
        var start = new System.Diagnostics.ProcessStartInfo(pgDump)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "--no-owner", "--host", c.Host!, "--port", c.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--username", c.Username!, c.Database! },
            Environment = { ["PGPASSWORD"] = c.Password },
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await error);
        return await output;
    }

    /// <summary>
    /// The bytea columns: raw, each searched for the needles' bytes; and the worker-voice ciphertexts opened with the
    /// installation's key (the test holds it), so a network identifier written into the sealed testimony itself would be
    /// found too. Mutation that fails it (tried): in <c>IntakeApi.FileAsync</c>, append the request's User-Agent to the
    /// narrative before it is sealed. Returns where each needle was found.
    /// </summary>
    private async Task<List<string>> FindInSealedColumnsAsync(string[] needles, string expectedPlaintext)
    {
        await using var connection = new NpgsqlConnection(factory.OwnerConnectionString);
        await connection.OpenAsync();
        var columns = await ColumnsAsync(connection, bytea: true);
        Assert.Contains(columns, c => c is { Table: "grievances", Column: "narrative_ciphertext" });
        var found = new List<string>();
        foreach (var (schema, table, column) in columns)
        {
            await using var cmd = new NpgsqlCommand($"select count(*) from \"{schema}\".\"{table}\" where position(@p in \"{column}\") > 0", connection);
            var p = cmd.Parameters.Add("p", NpgsqlTypes.NpgsqlDbType.Bytea);
            foreach (var needle in needles)
            {
                p.Value = Encoding.UTF8.GetBytes(needle);
                if ((long)(await cmd.ExecuteScalarAsync())! > 0)
                {
                    found.Add($"{schema}.{table}.{column} (raw: {needle})");
                }
            }
        }

        // Open every narrative and message with the installation's key and search the plaintext.
        var crypto = factory.Services.GetRequiredService<Compliance.Api.Features.WorkerVoice.TestimonyCrypto>();
        var opened = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            """
            select g.id, g.wrapped_key, g.narrative_ciphertext, m.id, m.ciphertext
            from grievances g left join grievance_messages m on m.grievance_id = g.id
            where g.wrapped_key is not null
            """, connection))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var key = crypto.Unwrap(reader.GetFieldValue<byte[]>(1), reader.GetGuid(0));
                if (!reader.IsDBNull(2))
                {
                    opened.Add(Compliance.Api.Features.WorkerVoice.TestimonyCrypto.Open(key, reader.GetFieldValue<byte[]>(2), reader.GetGuid(0)));
                }

                if (!reader.IsDBNull(3))
                {
                    opened.Add(Compliance.Api.Features.WorkerVoice.TestimonyCrypto.Open(key, reader.GetFieldValue<byte[]>(4), reader.GetGuid(3)));
                }
            }
        }

        Assert.Contains(opened, t => t.Contains(expectedPlaintext, StringComparison.Ordinal));
        found.AddRange(opened.Where(t => needles.Any(n => t.Contains(n, StringComparison.OrdinalIgnoreCase))).Select(t => $"decrypted testimony: {t}"));
        return found;
    }

    /// <summary>Every column of every table in every non-system schema, cast to text and searched, as the owner.</summary>
    private async Task<List<string>> FindInDatabaseAsync(string[] needles)
    {
        await using var connection = new NpgsqlConnection(factory.OwnerConnectionString);
        await connection.OpenAsync();
        var columns = await ColumnsAsync(connection, bytea: false);
        Assert.Contains(columns, c => c is { Table: "grievances", Column: "case_reference" });
        var found = new List<string>();
        foreach (var (schema, table, column) in columns)
        {
            await using var cmd = new NpgsqlCommand($"select count(*) from \"{schema}\".\"{table}\" where \"{column}\"::text ilike any(@p)", connection);
            cmd.Parameters.AddWithValue("p", needles.Select(n => $"%{n}%").ToArray());
            if ((long)(await cmd.ExecuteScalarAsync())! > 0)
            {
                found.Add($"{schema}.{table}.{column}");
            }
        }

        return found;
    }

    /// <summary>Every column of every base table outside the system schemas: the bytea ones, or all the others.</summary>
    private static async Task<List<(string Schema, string Table, string Column)>> ColumnsAsync(NpgsqlConnection connection, bool bytea)
    {
        var columns = new List<(string Schema, string Table, string Column)>();
        await using var cmd = new NpgsqlCommand(
            """
            select c.table_schema, c.table_name, c.column_name from information_schema.columns c
            join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
            where c.table_schema not in ('pg_catalog', 'information_schema') and (c.data_type = 'bytea') = @bytea
            """, connection);
        cmd.Parameters.AddWithValue("bytea", bytea);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            columns.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return columns;
    }
}
