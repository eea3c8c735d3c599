package app.splitline.android.calls

import android.os.Bundle
import android.text.InputType
import android.widget.Button
import android.widget.EditText
import android.widget.TextView
import app.splitline.android.SplitlineActivity
import app.splitline.android.button
import app.splitline.android.field
import app.splitline.android.label
import app.splitline.android.screen
import app.splitline.shell.calls.NumberCheckState
import kotlinx.coroutines.launch

/**
 * Proves the user's mobile number: the network rings it once, and the
 * screening service reads the code from that flash call's caller id (with
 * the screening role); the code can be typed instead. Setup opens it by name.
 */
class VerifyNumberActivity : SplitlineActivity() {
    private lateinit var status: TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val column = screen("Your mobile number")
        val number = column.field(CallViews.NUMBER, "Your mobile number, with its country code (+44…)", InputType.TYPE_CLASS_PHONE)
        val send = column.button(CallViews.SEND, "Ring me once") {}
        val code = column.field(CallViews.CODE, "Or type the code: the last digits of the number that rang", InputType.TYPE_CLASS_NUMBER)
        val confirm = column.button(CallViews.CONFIRM, "Confirm the code") {}
        status = column.label(CallViews.STATUS)
        val check = CallCenter.of(this).numberCheck
        if (check == null) {
            status.text = "Set up your network account first: it checks the number."
            listOf<Button>(send, confirm).forEach { it.isEnabled = false }
            return
        }
        send.setOnClickListener { scope.launch { check.request(number.text.toString().trim()) } }
        confirm.setOnClickListener { scope.launch { check.confirm(code.text.toString().trim()) } }
        scope.launch { check.state.collect { status.text = describe(it) } }
    }

    private fun describe(state: NumberCheckState): String =
        when (state) {
            NumberCheckState.Idle -> ""
            NumberCheckState.Requesting -> "Asking your network to ring your phone…"
            is NumberCheckState.WaitingForFlashCall ->
                if (CallRoles.held(this, CallRoles.SCREENING)) {
                    "Your phone will ring once; Splitline reads the code itself and hangs up."
                } else {
                    "Your phone will ring once. Splitline can't read the call (it does not screen calls): " +
                        "type the last ${state.verification.codeDigits} digits of the number that rang."
                }
            NumberCheckState.Confirming -> "Checking the code…"
            is NumberCheckState.Verified -> "Your mobile number ${state.number} is verified."
            is NumberCheckState.Failed -> state.detail
        }
}
