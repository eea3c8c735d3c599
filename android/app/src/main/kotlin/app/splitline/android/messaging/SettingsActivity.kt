package app.splitline.android.messaging

import android.content.Intent
import android.widget.RadioButton
import android.widget.RadioGroup
import app.splitline.android.button
import app.splitline.android.calls.CallSettingsActivity
import app.splitline.android.device.AddressBookActivity
import app.splitline.android.field
import app.splitline.android.label
import app.splitline.android.push.PushSettingsActivity
import app.splitline.shell.messaging.SettingsPresenter
import app.splitline.shell.messaging.describe

/** Settings: own presence with a status text, the call settings (the calls screen), the phone's contacts, push, sign off. */
class SettingsActivity : MessagingActivity() {
    override fun onAccount() {
        val column = screen("Settings")
        val presenter = SettingsPresenter(account, messaging.contacts, scope)
        val connection = column.label(MessagingIds.CONNECTION)
        val choices = RadioGroup(this).apply { id = MessagingIds.PRESENCE }
        presenter.choices.forEachIndexed { i, presence ->
            choices.addView(
                RadioButton(this).apply {
                    id = PRESENCE_BASE + i
                    text = describe(presence)
                },
            )
        }
        column.addView(choices)
        val status = column.field(MessagingIds.STATUS, "Status (optional)")
        column.button(MessagingIds.SET_PRESENCE, "Set presence") {
            val chosen = presenter.choices.getOrNull(choices.checkedRadioButtonId - PRESENCE_BASE)
            if (chosen != null) presenter.setPresence(chosen, status.text.toString())
        }
        column.button(MessagingIds.CALL_SETTINGS, "Call settings") {
            startActivity(Intent(this, CallSettingsActivity::class.java))
        }
        column.button(MessagingIds.PHONE_CONTACTS, "Phone contacts") {
            startActivity(Intent(this, AddressBookActivity::class.java))
        }
        column.button(MessagingIds.PUSH, "Push notifications") {
            startActivity(Intent(this, PushSettingsActivity::class.java))
        }
        val signOff = column.button(MessagingIds.SIGN_OFF, "Sign off") { presenter.signOff() }
        val problem = column.label(MessagingIds.PROBLEM)
        bind(presenter.problem) { problem.text = it.orEmpty() }
        bind(presenter.state) { state ->
            connection.text = if (state.signedOff) "Signed off. Your chats stay on this phone." else describe(state.connection)
            val index = presenter.choices.indexOf(state.presence)
            if (index >= 0 && choices.checkedRadioButtonId == -1) choices.check(PRESENCE_BASE + index)
            if (status.text.isEmpty()) status.setText(state.status.orEmpty())
            signOff.isEnabled = !state.signedOff
        }
    }

    companion object {
        private const val PRESENCE_BASE = 2100
    }
}
