package app.splitline.shell.messaging

import app.splitline.shell.core.coreResult
import uniffi.splitline_bindings.Rooms

/** The user's group chats and their administration (through the gateway). */
class RoomDirectory internal constructor(private val rooms: Rooms) {
    /** The rooms the user is in, by name (from the store). */
    fun list(): Result<List<Room>> = coreResult { rooms.list().map { it.toRoom() } }

    /** Creates a room owned by the user with [members] added and invited. */
    suspend fun create(name: String, members: List<String>): Result<Room> = coreResult { rooms.create(name, members).toRoom() }

    /** Renames [room] (owners only). */
    suspend fun rename(room: String, name: String): Result<Unit> = coreResult { rooms.rename(room, name) }

    /** Adds [member] to [room] and invites them. */
    suspend fun addMember(room: String, member: String): Result<Unit> = coreResult { rooms.addMember(room, member) }

    /** Removes [member] from [room]. */
    suspend fun removeMember(room: String, member: String): Result<Unit> = coreResult { rooms.removeMember(room, member) }

    /** Leaves [room] on every device; its messages stay. */
    suspend fun leave(room: String): Result<Unit> = coreResult { rooms.leave(room) }

    /** [room]'s owners, admins and members, from the gateway. */
    suspend fun members(room: String): Result<List<RoomMember>> = coreResult { rooms.members(room).map { it.toMember() } }
}
