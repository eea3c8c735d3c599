package app.splitline.android.calls

import android.Manifest
import android.app.NotificationManager
import android.content.Context
import android.content.Intent
import android.os.Bundle
import android.telecom.TelecomManager
import android.view.View
import android.widget.Button
import android.widget.TextView
import app.splitline.android.SplitlineActivity
import app.splitline.android.button
import app.splitline.android.label
import app.splitline.android.screen
import app.splitline.shell.calls.CallDriver
import app.splitline.shell.calls.CallInput
import app.splitline.shell.calls.CallState
import app.splitline.shell.calls.Callee
import app.splitline.shell.calls.EndReason
import app.splitline.shell.calls.Route
import app.splitline.shell.calls.plan
import kotlinx.coroutines.launch

/**
 * The call screen: the route and its explanation, the call's progress and
 * hang-up. Shows the flow ([CallDriver]) and sends it the user's taps; with
 * a number it starts a call, and the plan is shown before the user places
 * it (or placed at once when the phone's dialer handed the call over).
 */
class CallActivity : SplitlineActivity() {
    private lateinit var route: TextView
    private lateinit var explanation: TextView
    private lateinit var progress: TextView
    private lateinit var call: Button
    private lateinit var hangUp: Button
    private var placeAtOnce = false

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val column = screen("Splitline call")
        route = column.label(CallViews.ROUTE)
        explanation = column.label(CallViews.EXPLANATION)
        progress = column.label(CallViews.PROGRESS)
        call = column.button(CallViews.CALL, "Call") { place() }
        hangUp = column.button(CallViews.HANG_UP, "Hang up") { CallCenter.of(this).driver?.send(CallInput.HangUp) }
        val driver = CallCenter.of(this).driver
        if (driver == null) {
            progress.text = "Set up your network account first: calls go through it."
            call.visibility = View.GONE
            hangUp.visibility = View.GONE
            return
        }
        placeAtOnce = intent.getBooleanExtra(EXTRA_PLACE_AT_ONCE, false)
        val number = DialerActivity.numberOf(intent)
        val address = intent.getStringExtra(EXTRA_ADDRESS)
        val callee = address?.let { Callee.Contact(it) } ?: number?.let { Callee.Number(it) }
        if (callee != null) {
            if (driver.state.value is CallState.Ended) driver.send(CallInput.Reset)
            driver.send(CallInput.Start(CallCenter.of(this).request(callee)))
        }
        if (intent.getBooleanExtra(EXTRA_ANSWER, false)) answer()
        scope.launch { driver.state.collect(::show) }
    }

    private fun show(state: CallState) {
        val center = CallCenter.of(this)
        call.visibility = if (state is CallState.Planned) View.VISIBLE else View.GONE
        hangUp.visibility = if (state is CallState.Idle || state is CallState.Ended) View.GONE else View.VISIBLE
        hangUp.text = if (state is CallState.InCall || state is CallState.Ringing) "Hang up" else "Cancel"
        progress.text = when (state) {
            CallState.Idle -> "No call."
            is CallState.Planning -> "Finding the best way to call…"
            is CallState.Planned -> "Ready to call ${center.calleeName(state.plan)}."
            is CallState.Placing -> "Setting the call up…"
            is CallState.DiallingAccessNumber -> "Dialling the access number ${state.dial.number}…"
            is CallState.WaitingForCallback -> "Your network is calling you back: answer it to reach ${center.calleeName(state.plan)}."
            is CallState.Ringing -> "Ringing ${center.calleeName(state.plan)}…"
            is CallState.InCall -> "In call with ${center.calleeName(state.plan)}."
            is CallState.Ended -> state.detail ?: endText(state.reason)
        }
        val plan = state.plan
        if (plan != null) {
            route.text = routeText(plan)
            explanation.text = plan.explanation
        }
        if (state is CallState.Planned && placeAtOnce) {
            placeAtOnce = false
            place()
        }
    }

    private fun place() {
        val driver = CallCenter.of(this).driver ?: return
        val planned = driver.state.value as? CallState.Planned ?: return
        if (planned.plan.route != Route.ACCESS_NUMBER) return driver.send(CallInput.Place)
        withPermission(Manifest.permission.CALL_PHONE, DIAL_REASON) { granted ->
            if (granted) driver.send(CallInput.Place) else progress.text = TelecomPhone.NO_CALL_PHONE
        }
    }

    private fun answer() {
        getSystemService(NotificationManager::class.java)?.cancel(CallbackNotification.ID)
        withPermission(Manifest.permission.ANSWER_PHONE_CALLS, ANSWER_REASON) { granted ->
            if (granted) {
                try {
                    getSystemService(TelecomManager::class.java)?.acceptRingingCall()
                } catch (e: SecurityException) {
                    progress.text = NO_ANSWER
                }
            } else {
                progress.text = NO_ANSWER
            }
        }
    }

    private fun endText(reason: EndReason): String =
        when (reason) {
            EndReason.YOU_HUNG_UP -> "Call ended."
            EndReason.CALLEE_HUNG_UP -> "They hung up."
            EndReason.YOU_DID_NOT_ANSWER -> "The callback was not answered."
            EndReason.BUSY -> "Busy."
            EndReason.NO_ANSWER -> "No answer."
            EndReason.CANCELLED -> "Call cancelled."
            EndReason.NOT_DIALLED -> "The access number was not dialled in time."
            EndReason.UNREACHABLE -> "That number can't be reached."
            EndReason.FAILED -> "The call failed."
            EndReason.GATEWAY_RESTART -> "Your network restarted during the call."
            EndReason.SETUP_FAILED -> "The call could not be set up."
        }

    companion object {
        /** A network contact's address to call (instead of a `tel:` number). */
        const val EXTRA_ADDRESS = "app.splitline.calls.ADDRESS"

        /** Place the call as soon as it is planned (handed over by the phone's dialer). */
        const val EXTRA_PLACE_AT_ONCE = "app.splitline.calls.PLACE_AT_ONCE"

        /** Opened from the callback notification: answer the ringing callback. */
        const val EXTRA_ANSWER = "app.splitline.calls.ANSWER"

        /** Why the call screen asks for `CALL_PHONE`. */
        const val DIAL_REASON = "Splitline dials the access number for you, so it needs to make phone calls."

        private const val ANSWER_REASON = "Splitline answers your network's callback for you, so it needs to answer calls."
        private const val NO_ANSWER = "Splitline may not answer calls: answer the ringing call in the phone's own call screen."

        /** A call to [number]. */
        fun intent(context: Context, number: String, placeAtOnce: Boolean): Intent =
            Intent(context, CallActivity::class.java)
                .setData(android.net.Uri.fromParts("tel", number, null))
                .putExtra(EXTRA_PLACE_AT_ONCE, placeAtOnce)
    }
}
