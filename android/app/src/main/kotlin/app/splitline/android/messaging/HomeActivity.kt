package app.splitline.android.messaging

import app.splitline.android.button
import app.splitline.android.calls.DialerActivity
import app.splitline.android.label
import app.splitline.shell.messaging.HomePresenter

/** The home screen: the connection, and the way to the chats, contacts, dialer and settings. */
class HomeActivity : MessagingActivity() {
    override fun onAccount() {
        val column = screen("Splitline")
        val connection = column.label(MessagingIds.CONNECTION)
        val chats = column.button(MessagingIds.CHATS, "Chats") { open(ChatsActivity::class.java) }
        column.button(MessagingIds.CONTACTS, "Contacts") { open(ContactsActivity::class.java) }
        column.button(MessagingIds.DIALER, "Call") { open(DialerActivity::class.java) }
        column.button(MessagingIds.SETTINGS, "Settings") { open(SettingsActivity::class.java) }
        val presenter = HomePresenter(account, messaging.chats, scope)
        bind(presenter.state) { state ->
            connection.text = state.connection
            chats.text = if (state.unread > 0) "Chats (${state.unread} unread)" else "Chats"
        }
    }
}
