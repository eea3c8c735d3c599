package app.splitline.android.calls

import app.splitline.shell.calls.CallCost
import app.splitline.shell.calls.CallPlan
import app.splitline.shell.calls.NumberLookup
import app.splitline.shell.calls.Route

/** What a call will cost, as the dialer shows it before the call. */
fun costText(lookup: NumberLookup): String {
    val cost = lookup.cost
    if (cost is CallCost.FreeNetworkCall) return "Free network call to ${cost.address}"
    return lookup.plan?.let(::routeText) ?: "Can't be called now"
}

/** The route of [plan] in words: how the call goes and what it costs. */
fun routeText(plan: CallPlan): String =
    when (plan.route) {
        Route.PLATFORM_SIP -> "Over the internet with the phone's own calling: free"
        Route.CALLBACK -> "Callback: your network calls your mobile, then connects you"
        Route.ACCESS_NUMBER ->
            "Access number ${plan.accessNumber.orEmpty()}: " +
                if (plan.accessNumberTollFree) "free to dial" else "dialled at your local rate"
    }
