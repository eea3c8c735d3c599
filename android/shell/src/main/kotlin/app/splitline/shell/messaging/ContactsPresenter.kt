package app.splitline.shell.messaging

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

/** The contacts screen: each contact with presence, and the requests to accept or refuse. */
data class ContactsState(
    val contacts: List<Contact> = emptyList(),
    val requests: List<String> = emptyList(),
)

/** Holds the contacts screen's state while [scope] lives; its methods are the user's intents. */
class ContactsPresenter(
    private val book: ContactBook,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : Presenter(scope, io) {
    private val states = MutableStateFlow(ContactsState())

    /** What the screen shows. */
    val state: StateFlow<ContactsState> = states.asStateFlow()

    init {
        follow(book.rows().rows) { rows -> states.update { it.copy(contacts = rows) } }
        follow(book.requests) { requests -> states.update { it.copy(requests = requests.from) } }
    }

    /** Adds [address] with an optional [name]; it shows at once as pending. */
    fun add(address: String, name: String?) {
        if (address.isBlank()) return complain("Enter the contact's address, name@domain.")
        perform({ book.add(address.trim(), name?.trim()?.takeIf { it.isNotEmpty() }) })
    }

    /** Renames [address]; a blank [name] clears it. */
    fun rename(address: String, name: String) = perform({ book.rename(address, name.trim()) })

    /** Removes [address]. */
    fun remove(address: String) = perform({ book.remove(address) })

    /** Accepts [address]'s request. */
    fun accept(address: String) = perform({ book.accept(address) })

    /** Refuses [address]'s request. */
    fun refuse(address: String) = perform({ book.refuse(address) })
}
