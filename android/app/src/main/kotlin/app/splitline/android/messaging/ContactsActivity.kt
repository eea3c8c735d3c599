package app.splitline.android.messaging

import android.app.AlertDialog
import android.widget.Button
import android.widget.EditText
import android.widget.LinearLayout
import app.splitline.android.button
import app.splitline.android.column
import app.splitline.android.field
import app.splitline.android.label
import app.splitline.shell.messaging.Contact
import app.splitline.shell.messaging.ContactsPresenter
import app.splitline.shell.messaging.describe

/** Contacts with presence; requests to accept or refuse; add, rename, remove; a tap opens the chat. */
class ContactsActivity : MessagingActivity() {
    private lateinit var presenter: ContactsPresenter

    override fun onAccount() {
        val column = screen("Contacts")
        presenter = ContactsPresenter(messaging.contacts, scope)
        val address = column.field(MessagingIds.ADDRESS, "Address (name@domain)")
        val name = column.field(MessagingIds.NAME, "Name (optional)")
        column.button(MessagingIds.ADD, "Add contact") {
            presenter.add(address.text.toString(), name.text.toString())
            address.text.clear()
            name.text.clear()
        }
        val problem = column.label(MessagingIds.PROBLEM)
        val requests = column().also {
            it.id = MessagingIds.REQUESTS
            column.addView(it)
        }
        val list = column().also {
            it.id = MessagingIds.LIST
            column.addView(it)
        }
        bind(presenter.problem) { problem.text = it.orEmpty() }
        bind(presenter.state) { state ->
            requests.removeAllViews()
            for (from in state.requests) {
                requests.label(words = "$from asks to see when you are online")
                requests.row(
                    "Accept" to { presenter.accept(from) },
                    "Refuse" to { presenter.refuse(from) },
                )
            }
            list.removeAllViews()
            if (state.contacts.isEmpty()) list.label(words = "No contacts yet. Add one above.")
            for (contact in state.contacts) {
                list.label(words = describe(contact))
                list.row(
                    "Chat" to { open(ChatActivity::class.java) { putExtra(ChatActivity.EXTRA_PEER, contact.address) } },
                    "Rename" to { rename(contact) },
                    "Remove" to { presenter.remove(contact.address) },
                )
            }
        }
    }

    private fun LinearLayout.row(vararg actions: Pair<String, () -> Unit>) {
        val row = LinearLayout(context).apply { orientation = LinearLayout.HORIZONTAL }
        for ((label, action) in actions) {
            row.addView(
                Button(context).apply {
                    text = label
                    setOnClickListener { action() }
                },
            )
        }
        addView(row)
    }

    private fun rename(contact: Contact) {
        val field = EditText(this).apply {
            setText(contact.name.orEmpty())
            hint = "Name (empty to clear)"
        }
        AlertDialog.Builder(this)
            .setTitle("Rename ${contact.address}")
            .setView(field)
            .setPositiveButton(android.R.string.ok) { _, _ -> presenter.rename(contact.address, field.text.toString()) }
            .setNegativeButton(android.R.string.cancel, null)
            .show()
    }
}
