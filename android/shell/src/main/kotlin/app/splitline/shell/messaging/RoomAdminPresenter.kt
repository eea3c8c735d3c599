package app.splitline.shell.messaging

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update

/** The room admin screen: the room (null until created), its members, and whether the user left it. */
data class RoomAdminState(
    val room: Room? = null,
    val members: List<RoomMember> = emptyList(),
    val left: Boolean = false,
)

/**
 * Group chat admin: creates a room, or administers [room] (its address):
 * rename, add and remove members, leave. Each change goes to the gateway,
 * then the members are read again from it.
 */
class RoomAdminPresenter(
    private val rooms: RoomDirectory,
    room: String?,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : Presenter(scope, io) {
    private val states = MutableStateFlow(RoomAdminState())

    /** What the screen shows. */
    val state: StateFlow<RoomAdminState> = states.asStateFlow()

    init {
        if (room != null) {
            perform({ rooms.list() }) { list ->
                val found = list.firstOrNull { it.address == room } ?: Room(room, room)
                states.update { it.copy(room = found) }
                refresh()
            }
        }
    }

    /** Creates a room named [name] with [members] (addresses, separated by commas, spaces or lines). */
    fun create(name: String, members: String) {
        if (name.isBlank()) return complain("Give the group a name.")
        perform({ rooms.create(name.trim(), addresses(members)) }) { created ->
            states.update { it.copy(room = created) }
            refresh()
        }
    }

    /** Renames the room. */
    fun rename(name: String) {
        val room = states.value.room ?: return
        if (name.isBlank()) return complain("Give the group a name.")
        perform({ rooms.rename(room.address, name.trim()) }) { states.update { it.copy(room = room.copy(name = name.trim())) } }
    }

    /** Adds [member] (an address) and invites them. */
    fun addMember(member: String) {
        val room = states.value.room ?: return
        if (member.isBlank()) return complain("Enter the member's address, name@domain.")
        perform({ rooms.addMember(room.address, member.trim()) }) { refresh() }
    }

    /** Removes [member]. */
    fun removeMember(member: String) {
        val room = states.value.room ?: return
        perform({ rooms.removeMember(room.address, member) }) { refresh() }
    }

    /** Leaves the room on every device; its messages stay. */
    fun leave() {
        val room = states.value.room ?: return
        perform({ rooms.leave(room.address) }) { states.update { it.copy(left = true, members = emptyList()) } }
    }

    /** Reads the members again from the gateway. */
    fun refresh() {
        val room = states.value.room ?: return
        perform({ rooms.members(room.address) }) { members -> states.update { it.copy(members = members) } }
    }

    private fun addresses(text: String): List<String> = text.split(',', ' ', '\n', ';').map { it.trim() }.filter { it.isNotEmpty() }
}
