package app.splitline.android.messaging

import android.view.View
import app.splitline.android.button
import app.splitline.android.column
import app.splitline.android.field
import app.splitline.android.label
import app.splitline.shell.messaging.RoomAdminPresenter
import app.splitline.shell.messaging.describe

/** Group chat admin: create a group ([EXTRA_ROOM] absent), or rename it, add and remove members, leave. */
class RoomAdminActivity : MessagingActivity() {
    override fun onAccount() {
        val column = screen("Group")
        val presenter = RoomAdminPresenter(messaging.rooms, intent.getStringExtra(EXTRA_ROOM), scope)
        val name = column.field(MessagingIds.NAME, "Group name")
        val members = column.field(MessagingIds.MEMBERS, "Members (addresses, separated by commas)")
        val create = column.button(MessagingIds.CREATE, "Create group") {
            presenter.create(name.text.toString(), members.text.toString())
        }
        val rename = column.button(MessagingIds.RENAME, "Rename") { presenter.rename(name.text.toString()) }
        val member = column.field(MessagingIds.MEMBER, "Member to add (name@domain)")
        val add = column.button(MessagingIds.ADD_MEMBER, "Add member") {
            presenter.addMember(member.text.toString())
            member.text.clear()
        }
        val leave = column.button(MessagingIds.LEAVE, "Leave group") { presenter.leave() }
        val problem = column.label(MessagingIds.PROBLEM)
        val list = column().also {
            it.id = MessagingIds.LIST
            column.addView(it)
        }
        val forNew = listOf(members, create)
        val forRoom = listOf(rename, member, add, leave)
        bind(presenter.problem) { problem.text = it.orEmpty() }
        bind(presenter.state) { state ->
            val room = state.room
            forNew.forEach { it.visibility = if (room == null) View.VISIBLE else View.GONE }
            forRoom.forEach { it.visibility = if (room != null && !state.left) View.VISIBLE else View.GONE }
            if (room != null && name.text.isEmpty()) name.setText(room.name)
            title = room?.name ?: "New group"
            list.removeAllViews()
            if (state.left) list.label(words = "You left this group. Its messages stay in your chats.")
            for (m in state.members) {
                list.label(words = describe(m))
                list.button(View.NO_ID, "Remove ${m.address.substringBefore('@')}") { presenter.removeMember(m.address) }
            }
        }
    }

    companion object {
        /** The room's address; absent to create a group. */
        const val EXTRA_ROOM = "app.splitline.android.messaging.ROOM"
    }
}
