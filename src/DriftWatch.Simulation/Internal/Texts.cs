namespace DriftWatch.Simulation.Internal;

/// <summary>
/// Phrase banks for ticket and reply text. Ticket phrases depend on the category (index-aligned with
/// <see cref="Catalog.Categories"/>). The drifted reply bank shares almost no words with the normal one, so a
/// vocabulary drift is visible to any text featurizer while the normal bank stays stationary.
/// </summary>
internal static class Texts
{
    public static readonly string[][] TicketPhrases =
    [
        [
            "i was charged twice for order #", "my invoice shows the wrong amount", "why was my card billed again this month",
            "please refund the duplicate payment on order #", "the subscription price went up without notice",
            "i need a copy of my receipt for order #",
        ],
        [
            "the app crashes when i open settings", "i cannot log in after the update", "error 500 when uploading a file",
            "sync stopped working on my phone", "the page keeps loading forever", "notifications no longer arrive",
        ],
        [
            "how do i change my email address", "please close my account", "i forgot my password and the reset link expired",
            "add a second user to our plan", "my profile name is wrong", "two factor codes are not accepted",
        ],
        [
            "my parcel has not arrived yet, order #", "tracking says delivered but nothing came", "can you change the delivery address for order #",
            "the package arrived damaged", "when will order # ship", "the courier left my parcel at the wrong house",
        ],
        [
            "i want to return the shoes from order #", "how do i print a return label", "the refund for my return has not arrived",
            "wrong size, can i exchange order #", "item was not as described, returning it", "the return window closed before i got the item",
        ],
        [
            "just wanted to say thanks", "your new website is confusing", "suggestion: add a dark mode",
            "great service last week", "the survey link is broken", "please pass my compliments to the team",
        ],
    ];

    public static readonly string[] UrgentPrefixes = ["urgent: ", "asap - ", "urgent!! ", ""];

    public static readonly string[] TicketSuffixes = ["", "", " please help", " thanks", " this is the third time i ask", " any update?"];

    public static readonly string[] Greetings =
    [
        "thanks for reaching out", "hi there, thanks for contacting us", "hello and thank you for your message",
        "thanks for getting in touch",
    ];

    public static readonly string[][] ReplyBodies =
    [
        [
            "i have checked your billing history and the charge is being reviewed", "a refund for the extra charge is on its way",
            "our billing team will look at the invoice today", "i have corrected the amount on your next invoice",
        ],
        [
            "please update the app to the latest version and try again", "i have reset your session, so please sign in again",
            "our engineers are looking into this error", "clearing the cache usually fixes this, here is how",
        ],
        [
            "i have sent a secure link to update your details", "your account change is done", "i have sent you a new reset link",
            "the account team will confirm the change by email",
        ],
        [
            "i have checked the tracking and your parcel is on its way", "i have asked the courier to investigate",
            "your delivery address is updated", "a replacement will ship today",
        ],
        [
            "your return label is attached", "the refund will reach you within five days", "i have started the exchange for you",
            "the return is registered and we will email you when it arrives",
        ],
        [
            "we really appreciate your feedback", "i have shared this with the team", "thank you for the kind words",
            "we will look into improving this",
        ],
    ];

    public static readonly string[] Closings =
    [
        "let us know if there is anything else", "have a great day", "we are happy to help further", "kind regards",
    ];

    public static readonly string[] DriftedGreetings =
    [
        "greetings valued patron", "salutations from the assistance desk", "dear client, receipt of your inquiry acknowledged",
    ];

    public static readonly string[] DriftedBodies =
    [
        "per revised procedure your case reference has been logged", "pursuant to policy the matter is queued for adjudication",
        "a designated specialist shall correspond imminently", "kindly await formal notification regarding remediation",
        "your submission undergoes verification prior to resolution", "remediation steps are pending supervisory approval",
    ];

    public static readonly string[] DriftedClosings =
    [
        "regards, automated assistance", "this correspondence concludes our exchange", "await subsequent notification",
    ];
}
