using Compliance.Domain.Reference;
using Compliance.Domain.Risk;
using static Compliance.UnitTests.Risk.Evidence;

namespace Compliance.UnitTests.Risk;

/// <summary>
/// The two case studies of the Bali Process guide (<c>004_d70f00d99f94417e.txt</c>) encoded as site evidence.
/// Where the story is silent on a number, the assumption is stated next to it.
/// </summary>
internal static class CaseStudies
{
    /// <summary>Paula's story in full, 004:373-393.</summary>
    public static SiteEvidence Paula { get; } = new()
    {
        // Assumption: Joseph's restaurant has a handful of staff; the story names only Paula.
        ActiveWorkers = 5,

        // 004:383 "Joseph confiscates Paula's passport" when "she intends to return home": held and refused back.
        PassportHeldByOther = 1,
        PassportReturnRefused = 1,

        GrievancesLast90Days = Grievances(
            (GrievanceCategories.WagesUnpaid, 1),      // 004:377 "She does not earn a salary, but works for tips"
            (GrievanceCategories.OweMoney, 1),         // 004:381-385 debt of £100, then £600, then £5000, then £15,000
            (GrievanceCategories.DocumentsHeld, 1),    // 004:383 passport confiscated
            (GrievanceCategories.HurtOrThreatened, 1), // 004:385 threat to tell the police she is an illegal immigrant; 004:393 threat to tell her parents
            (GrievanceCategories.SexualPressure, 1),   // 004:387 pushed to pay off her debt "as a prostitute"
            (GrievanceCategories.PayDeducted, 1)),     // 004:389 "He keeps the money she earns" and 50% for 'security'
        OpenCriticalGrievances = OpenCritical((GrievanceCategories.HurtOrThreatened, 1), (GrievanceCategories.SexualPressure, 1)),

        // 004:383 "she has overstayed her visitor's visa": recorded, never evidence against her.
        WorkersWithIrregularStatus = 1,
    };

    /// <summary>Paula at 004:383 only: in debt, passport confiscated when she wants to go home; no threats or violence yet.</summary>
    public static SiteEvidence PaulaAtSixMonths { get; } = new()
    {
        ActiveWorkers = 5,
        PassportHeldByOther = 1,
        PassportReturnRefused = 1,
        GrievancesLast90Days = Grievances((GrievanceCategories.WagesUnpaid, 1), (GrievanceCategories.OweMoney, 1)),
        WorkersWithIrregularStatus = 1,
    };

    /// <summary>Santi's story, 004:3187-3197, with Santi and four co-workers filing grievances.</summary>
    public static SiteEvidence Santi { get; } = SantiWith(hurtWorkerReported: true);

    /// <summary>
    /// Santi's factory. The employer keeps no records of these workers (they crossed irregularly, 004:3191),
    /// so all employer-side counts stay zero: the evidence is the workers' own and the inspector's silence.
    /// </summary>
    public static SiteEvidence SantiWith(bool hurtWorkerReported)
    {
        // Assumption: five of the workers (Santi and co-workers) file; each ticks the same categories.
        const int filers = 5;
        (string, int)[] filed =
        [
            (GrievanceCategories.OweMoney, filers),            // 004:3189 the broker advances the trip; "Santi just has to pay him back"
            (GrievanceCategories.ConditionsDifferent, filers), // 004:3189 promised "10 times what he earns", finds conditions "far from ideal" (004:3193)
            (GrievanceCategories.HousingBad, filers),          // 004:3193 "small cramped room he has to share with five other factory workers"
            (GrievanceCategories.TooManyHours, filers),        // 004:3193 "14 hour days, six days a week, without extra pay for overtime"
            (GrievanceCategories.UnsafeScared, filers),        // 004:3193 dust and fumes; 004:3195 "afraid of the management and police", deportation
            (GrievanceCategories.PayDeducted, filers),         // 004:3195 "different deductions are made from his pay, that is, if he gets paid at all"
        ];
        if (hurtWorkerReported)
        {
            // 004:3193 "a worker severely burnt her hand with a blowtorch and was made to keep working"
            filed = [.. filed, (GrievanceCategories.HurtOrThreatened, 1)];
        }

        return new SiteEvidence
        {
            // 004:3197 "it employs hundreds of rural migrants"
            ActiveWorkers = 300,
            GrievancesLast90Days = Grievances(filed),
            OpenCriticalGrievances = OpenCritical(filed),

            // 004:3193, 004:3197 "the labour inspector who visits the factory periodically never finds any labour violations"
            RecentAuditsWithZeroFindings = 2,

            // 004:3193 "his irregular status": recorded, neither raises nor lowers.
            WorkersWithIrregularStatus = 1,
        };
    }
}
