package app.splitline.android.calls

import android.annotation.TargetApi
import android.content.Intent
import android.net.Uri
import android.os.Build
import android.telecom.CallRedirectionService
import android.telecom.PhoneAccountHandle
import app.splitline.android.splitline
import app.splitline.shell.calls.CallState
import app.splitline.shell.calls.Callee
import app.splitline.shell.calls.RedirectDecision
import app.splitline.shell.calls.RedirectRule
import app.splitline.shell.calls.decideRedirect
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull

/**
 * Routes numbers dialled in the phone's own dialer or contacts app through
 * Splitline, by the user's rule (role `CALL_REDIRECTION`, API 29+; the
 * manifest enables it from 29 only). The decision is the shell's
 * [decideRedirect] over the core's lookup of the number:
 * - left alone: placed unmodified (also when the core cannot say in time);
 * - ask: cancelled, and Splitline's dialer opens with the number;
 * - access number: the gateway reserves the call, then the call is
 *   redirected to the access number;
 * - callback (or platform SIP): cancelled, and the call screen places it.
 * The flow's own access-number call is never redirected again.
 */
@TargetApi(Build.VERSION_CODES.Q)
class SplitlineCallRedirectionService : CallRedirectionService() {
    override fun onPlaceCall(handle: Uri, initialPhoneAccount: PhoneAccountHandle, allowInteractiveResponse: Boolean) {
        val center = CallCenter.of(this)
        val number = handle.schemeSpecificPart.orEmpty()
        val rule = center.settings.redirectRule
        val service = center.service
        val own = (center.driver?.state?.value as? CallState.DiallingAccessNumber)?.dial?.text
        if (rule == RedirectRule.NEVER || service == null || number.isEmpty() || number == own) {
            placeCallUnmodified()
            return
        }
        val request = center.request(Callee.Number(number))
        splitline.scope.launch {
            val lookup = withTimeoutOrNull(LOOKUP_TIMEOUT_MS) { service.lookup(request).getOrNull() }
            when (val decision = decideRedirect(rule, lookup)) {
                RedirectDecision.LeaveAlone -> placeCallUnmodified()
                RedirectDecision.Ask ->
                    if (allowInteractiveResponse) {
                        startActivity(DialerActivity.intent(applicationContext, number).addFlags(Intent.FLAG_ACTIVITY_NEW_TASK))
                        cancelCall()
                    } else {
                        placeCallUnmodified()
                    }
                is RedirectDecision.ToAccessNumber ->
                    // The reservation first: the gateway knows the call by it.
                    service.place(request).fold(
                        { placed ->
                            val dial = placed.dial ?: decision.number
                            redirectCall(Uri.fromParts("tel", dial, null), initialPhoneAccount, false)
                        },
                        { placeCallUnmodified() },
                    )
                is RedirectDecision.CancelAndPlace -> {
                    val call = CallActivity.intent(applicationContext, number, placeAtOnce = true)
                    startActivity(call.addFlags(Intent.FLAG_ACTIVITY_NEW_TASK))
                    cancelCall()
                }
            }
        }
    }

    private companion object {
        /** The platform waits about five seconds for an answer. */
        const val LOOKUP_TIMEOUT_MS = 4_000L
    }
}
