package app.splitline.shell.messaging

import app.splitline.shell.core.LiveRows
import app.splitline.shell.core.coreResult
import app.splitline.shell.core.listenerFlow
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.map
import uniffi.splitline_bindings.ContactListDiff
import uniffi.splitline_bindings.ContactListListener
import uniffi.splitline_bindings.Contacts
import uniffi.splitline_bindings.RequestsListener
import uniffi.splitline_bindings.RequestsUpdate

/** The user's contacts with presence, their requests, and the user's own presence. */
class ContactBook internal constructor(private val contacts: Contacts) {
    /** The first [limit] contacts by name, kept current (more with `loadMore`). */
    fun rows(limit: Int = PAGE): LiveRows<Contact> =
        LiveRows { emit ->
            contacts.subscribe(
                limit.toUInt(),
                object : ContactListListener {
                    override fun onUpdate(diff: ContactListDiff) = emit(diff.ops.map { it.toRowOp() })
                },
            )
        }

    /** The pending requests and own presence now, then at each change. */
    val requests: Flow<Requests> =
        listenerFlow<RequestsUpdate> { emit ->
            contacts.subscribeRequests(
                object : RequestsListener {
                    override fun onUpdate(update: RequestsUpdate) = emit(update)
                },
            )
        }.map { it.toRequests() }

    /** Adds [address] (named [name]) and asks to see its presence; listed at once as pending. */
    fun add(address: String, name: String?): Result<Contact> = coreResult { contacts.add(address, name).toContact() }

    /** Renames a contact; a blank [name] clears it. */
    fun rename(address: String, name: String?): Result<Contact> =
        coreResult { contacts.rename(address, name?.takeIf { it.isNotBlank() }).toContact() }

    /** Removes a contact and both subscriptions. */
    fun remove(address: String): Result<Unit> = coreResult { contacts.remove(address) }

    /** Lets [address] see the user's presence (and asks back). */
    fun accept(address: String): Result<Unit> = coreResult { contacts.accept(address) }

    /** Refuses [address]'s request. */
    fun refuse(address: String): Result<Unit> = coreResult { contacts.refuse(address) }

    /** Sets the user's own presence; sent once the gateway can be reached. Not [Presence.OFFLINE]: sign off instead. */
    fun setPresence(presence: Presence, status: String?): Result<Unit> =
        coreResult { contacts.setPresence(presence.toAvailability(), status?.takeIf { it.isNotBlank() }) }

    private companion object {
        const val PAGE = 200
    }
}
