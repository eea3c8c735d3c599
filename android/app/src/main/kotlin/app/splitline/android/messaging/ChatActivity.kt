package app.splitline.android.messaging

import android.view.View
import android.widget.LinearLayout
import android.widget.ScrollView
import app.splitline.android.button
import app.splitline.android.column
import app.splitline.android.device.MessageNotifier
import app.splitline.android.field
import app.splitline.android.label
import app.splitline.shell.messaging.ChatPresenter
import app.splitline.shell.messaging.HistoryEnd
import app.splitline.shell.messaging.describe
import app.splitline.shell.messaging.explain

/**
 * A chat, 1:1 or a room's ([EXTRA_PEER] is the contact's or the room's
 * address): the messages with their state, writing (queued while offline),
 * older history when scrolled to the top, marking viewed while shown, closing.
 */
class ChatActivity : MessagingActivity() {
    private var presenter: ChatPresenter? = null

    override fun onAccount() {
        val peer = intent.getStringExtra(EXTRA_PEER).orEmpty()
        val column = screen(peer)
        val problem = column.label(MessagingIds.PROBLEM)
        val timeline = messaging.timeline(peer).getOrElse {
            problem.text = "This chat cannot be opened. ${explain(it)}"
            return
        }
        val chat = ChatPresenter(timeline, messaging, scope).also { presenter = it }
        val older = column.button(MessagingIds.OLDER, "Older messages") { chat.loadOlder() }
        val list = column().also {
            it.id = MessagingIds.LIST
            column.addView(it)
        }
        val message = column.field(MessagingIds.MESSAGE, "Message")
        column.button(MessagingIds.SEND, "Send") {
            chat.send(message.text.toString())
            message.text.clear()
        }
        val admin = column.button(MessagingIds.GROUP_ADMIN, "Group admin") {
            open(RoomAdminActivity::class.java) { putExtra(RoomAdminActivity.EXTRA_ROOM, peer) }
        }
        column.button(MessagingIds.CLOSE_CHAT, "Close chat") { chat.close() }
        val scroll = requireViewById<ScrollView>(MessagingIds.SCROLL)
        scroll.setOnScrollChangeListener { _, _, y, _, _ -> if (y == 0) chat.loadOlder() }
        var newest: Long? = null

        bind(chat.problem) { problem.text = it.orEmpty() }
        bind(chat.state) { state ->
            title = state.title
            admin.visibility = if (state.isRoom) View.VISIBLE else View.GONE
            older.isEnabled = !state.loadingOlder && state.history != HistoryEnd.Beginning
            older.text = when (state.history) {
                HistoryEnd.Beginning -> "This is the beginning of the chat"
                is HistoryEnd.Unavailable -> "Older messages cannot be fetched now. Try again"
                else -> if (state.loadingOlder) "Loading older messages…" else "Older messages"
            }
            render(list, state.messages.map { describe(it) })
            val last = state.messages.lastOrNull()?.id
            if (last != newest) {
                newest = last
                scroll.post { scroll.fullScroll(View.FOCUS_DOWN) } // a new message: show it
            }
            if (state.closed) finish()
        }
    }

    override fun onResume() {
        super.onResume()
        presenter?.shown(true)
        MessageNotifier.showing(this, intent.getStringExtra(EXTRA_PEER))
    }

    override fun onPause() {
        presenter?.shown(false)
        MessageNotifier.showing(this, null)
        super.onPause()
    }

    override fun onDestroy() {
        presenter?.dispose()
        super.onDestroy()
    }

    private fun render(list: LinearLayout, lines: List<String>) {
        list.removeAllViews()
        if (lines.isEmpty()) list.label(words = "No messages yet.")
        lines.forEach { list.label(words = it) }
    }

    companion object {
        /** The chat's peer: a contact's or a room's address. */
        const val EXTRA_PEER = "app.splitline.android.messaging.PEER"
    }
}
