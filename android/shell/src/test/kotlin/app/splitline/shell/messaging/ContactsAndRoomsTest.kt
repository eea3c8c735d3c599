package app.splitline.shell.messaging

import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

/** Contacts, the chat list and room admin through real sign-ins (bob, carol, dave). */
class ContactsAndRoomsTest {
    @Test
    fun aRequestAcceptedMakesAContactAndARefusedOneIsAnsweredWithoutPresence() = runBlocking {
        SignedIn.open("bob").use { bob ->
            SignedIn.open("carol").use { carol ->
                SignedIn.open("dave").use { dave ->
                    val bobs = ContactsPresenter(bob.messaging.contacts, bob.scope)
                    val carols = ContactsPresenter(carol.messaging.contacts, carol.scope)
                    val daves = ContactsPresenter(dave.messaging.contacts, dave.scope)

                    bobs.add(dave.address, "Dave")
                    // Listed as pending (the first row may be the store's before the gateway's roster push says so).
                    bobs.state.await("dave listed as pending") { s -> s.contacts.any { it.address == dave.address && it.pending } }
                    carols.add(dave.address, null)

                    daves.state.await("both requests") { s -> bob.address in s.requests && carol.address in s.requests }
                    daves.accept(bob.address)
                    daves.refuse(carol.address)
                    daves.state.await("the requests answered") { s -> s.requests.isEmpty() }

                    bobs.state.await("dave accepted") { s -> s.contacts.any { it.address == dave.address && !it.pending } }
                    assertEquals("Dave", bobs.state.value.contacts.first { it.address == dave.address }.shownName)
                    bobs.rename(dave.address, "David")
                    bobs.state.await("the new name") { s -> s.contacts.any { it.address == dave.address && it.name == "David" } }
                    // Refused: carol's request is answered (no longer pending) and she sees no presence of dave's.
                    val refused = carols.state.await("the refusal reaching carol") { s ->
                        s.contacts.any { it.address == dave.address && !it.pending }
                    }
                    assertEquals(Presence.OFFLINE, refused.contacts.first { it.address == dave.address }.presence)

                    bobs.remove(dave.address)
                    bobs.state.await("dave removed") { s -> s.contacts.none { it.address == dave.address } }
                    carols.remove(dave.address)
                    assertNull(bobs.problem.value)

                    bobs.add("not an address", null)
                    val problem = bobs.problem.await("the refusal") { it != null }
                    assertTrue(problem, problem.orEmpty().startsWith("That is not valid"))
                }
            }
        }
    }

    @Test
    fun theChatListCountsUnreadMessagesUntilAllAreMarkedViewed() = runBlocking {
        SignedIn.open("carol").use { carol ->
            SignedIn.open("bob").use { bob ->
                val chat = carol.messaging.timeline(bob.address).getOrThrow()
                chat.send("Unread one").getOrThrow()
                chat.send("Unread two").getOrThrow()
                chat.close()

                val chats = ChatsPresenter(bob.messaging.chats, bob.scope)
                val unread = chats.state.await("two unread from carol") { s ->
                    s.chats.any { it.peer == carol.address && it.unread >= 2 && it.lastMessage?.body == "Unread two" }
                }
                assertTrue(unread.unread >= 2)
                assertFalse(unread.chats.first { it.peer == carol.address }.isRoom)

                chats.markAllViewed()
                chats.state.await("nothing unread") { s -> s.unread == 0 && s.chats.any { it.peer == carol.address } }
                Unit
            }
        }
    }

    @Test
    fun aRoomIsCreatedWithMembersRenamedChangedAndLeft() = runBlocking {
        SignedIn.open("bob").use { bob ->
            val domain = bob.address.substringAfter('@')
            val admin = RoomAdminPresenter(bob.messaging.rooms, null, bob.scope)
            admin.create("", "")
            assertEquals("Give the group a name.", admin.problem.await("the refusal") { it != null })

            admin.create("Shell group", "carol@$domain, dave@$domain")
            val created = admin.state.await("the room with its members") { s -> s.members.size >= 3 }
            val room = created.room
            assertNotNull(room)
            assertEquals("Shell group", room?.name)
            val roles = created.members.associate { it.address to it.role }
            assertEquals(RoomRole.OWNER, roles[bob.address])
            assertEquals(RoomRole.MEMBER, roles["carol@$domain"])
            assertEquals(RoomRole.MEMBER, roles["dave@$domain"])

            admin.rename("Shell group, renamed")
            admin.state.await("the new name") { s -> s.room?.name == "Shell group, renamed" }
            admin.removeMember("dave@$domain")
            admin.state.await("dave gone") { s -> s.members.none { it.address == "dave@$domain" } }
            admin.addMember("dave@$domain")
            admin.state.await("dave back") { s -> s.members.any { it.address == "dave@$domain" } }

            val chats = ChatsPresenter(bob.messaging.chats, bob.scope)
            val address = room?.address.orEmpty()
            val writer = ChatPresenter(bob.messaging.timeline(address).getOrThrow(), bob.messaging, bob.scope)
            writer.send("Hello group")
            chats.state.await("the group chat listed") { s -> s.chats.any { it.peer == address && it.isRoom } }
            // Opened from the chat list, the room's chat is a group chat with its name.
            val chat = ChatPresenter(bob.messaging.timeline(address).getOrThrow(), bob.messaging, bob.scope)
            val group = chat.state.await("the group chat") { s -> s.isRoom && s.messages.any { it.body == "Hello group" } }
            assertTrue(group.title, group.title.startsWith("Shell group"))
            writer.dispose()
            chat.dispose()

            admin.leave()
            admin.state.await("left") { it.left }
            Unit
        }
    }
}
