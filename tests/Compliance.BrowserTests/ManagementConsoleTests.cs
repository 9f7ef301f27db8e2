using Microsoft.Playwright;

namespace Compliance.BrowserTests;

/// <summary>
/// The owner's management pages in Chromium with JavaScript off (issue #19: each page's main action works without
/// it): add a supplier and a site and open its poster, invite a person (the setup code shown once), and ask an office
/// for a link, with a refused code shown beside its field.
/// </summary>
[Collection(HandlerConsoleBrowser.Name)]
public class ManagementConsoleTests(HandlerConsoleFixture fixture)
{
    [Fact]
    public async Task WithoutJavaScript_TheOwnersManagementFormsPostAndRedirect_OrShowTheirReasonBesideTheField()
    {
        var desk = await fixture.NewDeskAsync("Managed Employer");
        var context = await fixture.PersonContextAsync(javaScript: false);
        try
        {
            var page = await context.NewPageAsync();
            await desk.SignInOwnerAsync(page);

            await page.GotoAsync("/console/manage/sites");
            await page.Locator("#new-supplier-name").FillAsync("Penang Latex");
            await page.Locator("#new-supplier-countryCode").FillAsync("MY");
            await page.Locator("#new-supplier button[type=submit]").ClickAsync();
            await Navigation.ArrivedAsync(page, "/console/manage/sites");
            Assert.Contains("Penang Latex", await page.Locator("#suppliers").InnerTextAsync(), StringComparison.Ordinal);

            await page.Locator("#new-site-supplierId").SelectOptionAsync(new SelectOptionValue { Label = "Penang Latex" });
            await page.Locator("#new-site-name").FillAsync("Bayan Lepas plant");
            await page.Locator("#new-site-countryCode").FillAsync("MY");
            await page.Locator("#new-site-sector").FillAsync("rubber-gloves");
            await page.Locator("#new-site button[type=submit]").ClickAsync();
            await Navigation.ArrivedAsync(page, "/console/manage/sites");
            var row = page.Locator("#sites tr", new() { HasText = "Bayan Lepas plant" });
            await row.Locator("a", new() { HasText = "Poster" }).ClickAsync();
            Assert.Contains("/v/", await page.Locator("#poster").InnerTextAsync(), StringComparison.Ordinal);
            Assert.True(await page.Locator("img.poster-qr").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 100"));

            await page.GotoAsync("/console/manage/access");
            await page.Locator("#invite-email").FillAsync($"auditor.{Guid.NewGuid():N}@example.com");
            await page.Locator("#invite-displayName").FillAsync("Ana the Auditor");
            await page.Locator("#invite-role").SelectOptionAsync("auditor");
            await page.Locator("#invite button[type=submit]").ClickAsync();
            var code = await page.Locator("#secret-value").InnerTextAsync();
            Assert.Matches("[A-Za-z0-9-]{8,}", code);
            await page.GotoAsync("/console/manage/access");
            Assert.DoesNotContain(code, await page.ContentAsync(), StringComparison.Ordinal);

            await page.GotoAsync("/console/manage/links");
            await page.Locator("#request-link-officeCode").FillAsync("NOSUCHCODE");
            await page.Locator("#request-link button[type=submit]").ClickAsync();
            await Assertions.Expect(page.Locator("#request-link-officeCode-error")).ToBeVisibleAsync();
            Assert.Equal("NOSUCHCODE", await page.Locator("#request-link-officeCode").InputValueAsync());
        }
        catch
        {
            await Failure.ScreenshotsAsync(nameof(WithoutJavaScript_TheOwnersManagementFormsPostAndRedirect_OrShowTheirReasonBesideTheField), context);
            throw;
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
