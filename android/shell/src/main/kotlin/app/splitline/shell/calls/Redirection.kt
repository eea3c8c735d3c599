package app.splitline.shell.calls

/** Which numbers dialled in the phone's own dialer go through Splitline. */
enum class RedirectRule {
    /** None: the phone's dialer calls as it always did. */
    NEVER,

    /** International numbers only (the core's lookup says which). */
    INTERNATIONAL_ONLY,

    /** Each time, ask: the call is held and Splitline's dialer opens with the number. */
    ALWAYS_ASK,

    /** Every number the core can route. */
    ALWAYS,
}

/** What the redirection service does with a number dialled in the phone's dialer. */
sealed class RedirectDecision {
    /** Place it unmodified. */
    data object LeaveAlone : RedirectDecision()

    /** Cancel it and open Splitline's dialer with the number, to choose there. */
    data object Ask : RedirectDecision()

    /** Dial [number] (the access number) instead. */
    data class ToAccessNumber(val number: String) : RedirectDecision()

    /** Cancel it and have Splitline place the call (a callback, or over the platform's SIP). */
    data class CancelAndPlace(val plan: CallPlan) : RedirectDecision()
}

/**
 * Decides by [rule] on a number whose core lookup is [lookup] (null when the
 * core could not look it up: then the call is left alone).
 */
fun decideRedirect(rule: RedirectRule, lookup: NumberLookup?): RedirectDecision {
    if (rule == RedirectRule.NEVER || lookup == null) return RedirectDecision.LeaveAlone
    if (rule == RedirectRule.INTERNATIONAL_ONLY && !lookup.international) return RedirectDecision.LeaveAlone
    val plan = lookup.plan ?: return RedirectDecision.LeaveAlone
    if (rule == RedirectRule.ALWAYS_ASK) return RedirectDecision.Ask
    return when (plan.route) {
        Route.ACCESS_NUMBER -> plan.accessNumber?.let { RedirectDecision.ToAccessNumber(it) } ?: RedirectDecision.LeaveAlone
        Route.CALLBACK, Route.PLATFORM_SIP -> RedirectDecision.CancelAndPlace(plan)
    }
}
