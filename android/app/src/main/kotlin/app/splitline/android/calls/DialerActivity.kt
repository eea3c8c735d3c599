package app.splitline.android.calls

import android.content.Context
import android.content.Intent
import android.os.Bundle
import android.text.Editable
import android.text.InputType
import android.text.TextWatcher
import android.widget.EditText
import android.widget.LinearLayout
import android.widget.TextView
import app.splitline.android.SplitlineActivity
import app.splitline.android.button
import app.splitline.android.label
import app.splitline.android.screen
import app.splitline.shell.calls.CallService
import app.splitline.shell.calls.Callee
import app.splitline.shell.calls.callFailure
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/**
 * The dialer: a number typed, or handed over by a `tel:` intent (DIAL, VIEW
 * or CALL), looked up by the core in the native address book and the
 * network contacts. Before the call it shows what the call will cost: a
 * free network call, a callback or an access number, and why.
 */
class DialerActivity : SplitlineActivity() {
    private lateinit var number: EditText
    private lateinit var cost: TextView
    private lateinit var explanation: TextView
    private lateinit var matches: LinearLayout
    private var lookup: Job? = null

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val column = screen("Call")
        number = EditText(this).apply {
            id = CallViews.NUMBER
            hint = "Number or name"
            inputType = InputType.TYPE_CLASS_PHONE
            isSingleLine = true
            column.addView(this)
        }
        cost = column.label(CallViews.COST)
        explanation = column.label(CallViews.EXPLANATION)
        val call = column.button(CallViews.CALL, "Call") { call() }
        matches = LinearLayout(this).apply {
            id = CallViews.MATCHES
            orientation = LinearLayout.VERTICAL
            column.addView(this)
        }
        val service = CallCenter.of(this).service
        if (service == null) {
            cost.text = "Set up your network account first: calls go through it."
            call.isEnabled = false
        } else {
            number.addTextChangedListener(LookUp(service))
        }
        number.setText(numberOf(intent))
    }

    override fun onNewIntent(intent: Intent) {
        super.onNewIntent(intent)
        numberOf(intent)?.let(number::setText)
    }

    private fun call() {
        val typed = number.text.toString().trim()
        if (typed.isEmpty()) {
            number.error = "Type a number to call"
            return
        }
        startActivity(CallActivity.intent(this, typed, placeAtOnce = false))
    }

    /** Looks the number up a moment after typing stops; lists the address book's matches for a name. */
    private inner class LookUp(private val service: CallService) : TextWatcher {
        override fun afterTextChanged(text: Editable) {
            lookup?.cancel()
            val typed = text.toString().trim()
            lookup = scope.launch {
                delay(TYPING_PAUSE_MS)
                showMatches(service, typed)
                if (typed.none { it.isDigit() }) {
                    cost.text = ""
                    explanation.text = ""
                    return@launch
                }
                cost.text = "Looking up…"
                service.lookup(CallCenter.of(this@DialerActivity).request(Callee.Number(typed))).fold(
                    { found ->
                        val names = (found.names + found.contacts).distinct()
                        cost.text = costText(found)
                        explanation.text = (if (names.isEmpty()) "" else names.joinToString(", ", postfix = ". ")) + found.explanation
                    },
                    { error ->
                        cost.text = "Can't be called now"
                        explanation.text = callFailure(error)
                    },
                )
            }
        }

        override fun beforeTextChanged(text: CharSequence, start: Int, count: Int, after: Int) = Unit

        override fun onTextChanged(text: CharSequence, start: Int, before: Int, count: Int) = Unit
    }

    private suspend fun showMatches(service: CallService, typed: String) {
        val found = withContext(Dispatchers.IO) { service.matches().getOrNull().orEmpty() }
        matches.removeAllViews()
        if (typed.isEmpty()) return
        for (match in found.filter { it.name.contains(typed, ignoreCase = true) || it.number.contains(typed) }) {
            matches.addView(
                TextView(this).apply {
                    text = "${match.name} (${match.address}): free"
                    setOnClickListener { number.setText(match.number) }
                },
            )
        }
    }

    companion object {
        private const val TYPING_PAUSE_MS = 300L

        /** Opens the dialer with [number] filled in. */
        fun intent(context: Context, number: String): Intent =
            Intent(context, DialerActivity::class.java).setData(android.net.Uri.fromParts("tel", number, null))

        /** The number of a `tel:` intent (DIAL, VIEW, CALL), or null. */
        fun numberOf(intent: Intent?): String? =
            intent?.data?.takeIf { it.scheme == "tel" }?.schemeSpecificPart?.takeIf { it.isNotBlank() }
    }
}
