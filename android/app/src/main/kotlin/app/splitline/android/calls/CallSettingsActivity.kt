package app.splitline.android.calls

import android.content.Intent
import android.os.Bundle
import android.widget.LinearLayout
import android.widget.RadioButton
import android.widget.RadioGroup
import android.widget.TextView
import app.splitline.android.SplitlineActivity
import app.splitline.android.button
import app.splitline.android.label
import app.splitline.android.screen
import app.splitline.shell.calls.CallPreference
import app.splitline.shell.calls.RedirectRule

/**
 * The call settings: how to call (the core's preference), which numbers of
 * the phone's own dialer go through Splitline (asking for the redirection
 * role when turned on), callback recognition (the screening role), and the
 * mobile number check.
 */
class CallSettingsActivity : SplitlineActivity() {
    private lateinit var roles: TextView

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val settings = CallCenter.of(this).settings
        val column = screen("Call settings")
        column.addView(TextView(this).apply { text = "How to call" })
        choices(column, CallViews.PREFERENCE, PREFERENCES, settings.preference) { settings.preference = it }
        column.addView(TextView(this).apply { text = "Numbers dialled in the phone's own dialer" })
        choices(column, CallViews.REDIRECT, RULES, settings.redirectRule) { rule ->
            settings.redirectRule = rule
            if (rule != RedirectRule.NEVER) askRole(CallRoles.REDIRECTION, "Redirecting the phone's calls")
        }
        column.button(CallViews.SEND, "Recognise Splitline's callbacks") { askRole(CallRoles.SCREENING, "Recognising callbacks") }
        roles = column.label(CallViews.ROLES)
        column.button(CallViews.CONFIRM, "Check my mobile number") { startActivity(Intent(this, VerifyNumberActivity::class.java)) }
        val verified = settings.verifiedNumber
        column.label(CallViews.STATUS, if (verified != null) "Verified mobile: $verified" else NOT_VERIFIED)
        showRoles()
    }

    override fun onActivityResult(requestCode: Int, resultCode: Int, data: Intent?) {
        super.onActivityResult(requestCode, resultCode, data)
        showRoles()
    }

    private fun askRole(role: String, feature: String) {
        if (!CallRoles.request(this, role, REQUEST_ROLE)) {
            roles.text = "$feature needs Android 10 or later with the telecom roles; this phone has none."
        }
    }

    private fun showRoles() {
        val screening = CallRoles.held(this, CallRoles.SCREENING)
        val redirection = CallRoles.held(this, CallRoles.REDIRECTION)
        roles.text = (if (screening) "Callbacks are recognised." else "Callbacks are not recognised: answer them yourself.") + " " +
            (if (redirection) "The phone's dialer can go through Splitline." else "The phone's dialer calls as usual.")
    }

    private fun <E : Enum<E>> choices(
        parent: LinearLayout,
        groupId: Int,
        labels: Map<E, String>,
        current: E,
        chosen: (E) -> Unit,
    ) {
        val group = RadioGroup(this).apply { id = groupId }
        labels.entries.forEachIndexed { index, (value, label) ->
            group.addView(
                RadioButton(this).apply {
                    id = groupId * 10 + index
                    text = label
                    isChecked = value == current
                },
            )
        }
        group.setOnCheckedChangeListener { _, checked -> labels.keys.elementAtOrNull(checked - groupId * 10)?.let(chosen) }
        parent.addView(group)
    }

    companion object {
        private const val REQUEST_ROLE = 18
        private const val NOT_VERIFIED = "Your mobile number is not checked yet: callbacks need it."

        private val PREFERENCES = linkedMapOf(
            CallPreference.AUTOMATIC to "Let Splitline choose",
            CallPreference.DATA to "Over the internet",
            CallPreference.CALLBACK to "Callback to my mobile",
            CallPreference.ACCESS_NUMBER to "Dial a local access number",
        )

        private val RULES = linkedMapOf(
            RedirectRule.NEVER to "Never through Splitline",
            RedirectRule.INTERNATIONAL_ONLY to "International numbers only",
            RedirectRule.ALWAYS_ASK to "Ask each time",
            RedirectRule.ALWAYS to "Always through Splitline",
        )
    }
}
