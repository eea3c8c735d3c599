package app.splitline.android.messaging

import app.splitline.android.button
import app.splitline.android.column
import app.splitline.android.label
import app.splitline.shell.messaging.ChatsPresenter
import app.splitline.shell.messaging.describe

/** The chat list: most recent first with unread counts; "mark all viewed"; a new group. */
class ChatsActivity : MessagingActivity() {
    override fun onAccount() {
        val column = screen("Chats")
        val presenter = ChatsPresenter(messaging.chats, scope)
        column.button(MessagingIds.MARK_ALL_VIEWED, "Mark all viewed") { presenter.markAllViewed() }
        column.button(MessagingIds.NEW_GROUP, "New group") { open(RoomAdminActivity::class.java) }
        val problem = column.label(MessagingIds.PROBLEM)
        val list = column().also {
            it.id = MessagingIds.LIST
            column.addView(it)
        }
        bind(presenter.problem) { problem.text = it.orEmpty() }
        bind(presenter.state) { state ->
            list.removeAllViews()
            if (state.chats.isEmpty()) list.label(words = "No chats yet. Start one from Contacts.")
            for (chat in state.chats) {
                list.label(words = describe(chat)).setOnClickListener {
                    open(ChatActivity::class.java) { putExtra(ChatActivity.EXTRA_PEER, chat.peer) }
                }
            }
        }
    }
}
