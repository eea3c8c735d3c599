package app.splitline.android.messaging

import android.content.Intent
import app.splitline.shell.messaging.HomePresenter

/** The home screen: the connection, and the way to the chats, contacts, dialer and settings. */
class HomeActivity : MessagingActivity() {
    override fun onAccount() {
        val column = screen("Splitline")
        val connection = column.label(MessagingIds.CONNECTION)
        val chats = column.button(MessagingIds.CHATS, "Chats") { open(ChatsActivity::class.java) }
        column.button(MessagingIds.CONTACTS, "Contacts") { open(ContactsActivity::class.java) }
        column.button(MessagingIds.DIALER, "Call") { startActivity(Intent().setClassName(this, DIALER_ACTIVITY)) }
        column.button(MessagingIds.SETTINGS, "Settings") { open(SettingsActivity::class.java) }
        val presenter = HomePresenter(account, messaging.chats, scope)
        bind(presenter.state) { state ->
            connection.text = state.connection
            chats.text = if (state.unread > 0) "Chats (${state.unread} unread)" else "Chats"
        }
    }

    companion object {
        /** The dialer (the "calls" part's screen), started by name. */
        const val DIALER_ACTIVITY = "app.splitline.android.calls.DialerActivity"
    }
}
