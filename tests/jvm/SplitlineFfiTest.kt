// Runs the generated Kotlin bindings on the host JVM against the real core,
// gateway and Prosody (started by tests/jvm/run.sh): every object the app
// uses, its listeners and its errors. Proves the FFI without an emulator.
//
// Each case is a named block in `cases`; add a case with `case("name") { ... }`.
// A case passes when it returns true; it fails when it returns false or throws.

import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess
import kotlinx.coroutines.runBlocking
import uniffi.splitline_bindings.Availability
import uniffi.splitline_bindings.CallAsk
import uniffi.splitline_bindings.CallCallee
import uniffi.splitline_bindings.CallCostInfo
import uniffi.splitline_bindings.CallDevice
import uniffi.splitline_bindings.CallPreference
import uniffi.splitline_bindings.CallRoute
import uniffi.splitline_bindings.CallRules
import uniffi.splitline_bindings.ChatListDiff
import uniffi.splitline_bindings.ChatListListener
import uniffi.splitline_bindings.ChatRowOp
import uniffi.splitline_bindings.ClientConfig
import uniffi.splitline_bindings.ClientStatus
import uniffi.splitline_bindings.ContactListDiff
import uniffi.splitline_bindings.ContactListListener
import uniffi.splitline_bindings.ContactRowOp
import uniffi.splitline_bindings.DataNetwork
import uniffi.splitline_bindings.MessageRowOp
import uniffi.splitline_bindings.MessageStatus
import uniffi.splitline_bindings.NativeContactInfo
import uniffi.splitline_bindings.NativeNumberInfo
import uniffi.splitline_bindings.PageBackEnd
import uniffi.splitline_bindings.PageBackInfo
import uniffi.splitline_bindings.RequestsListener
import uniffi.splitline_bindings.RequestsUpdate
import uniffi.splitline_bindings.SplitlineClient
import uniffi.splitline_bindings.SplitlineException
import uniffi.splitline_bindings.StatusListener
import uniffi.splitline_bindings.Subscription
import uniffi.splitline_bindings.TimelineDiff
import uniffi.splitline_bindings.TimelineListener
import uniffi.splitline_bindings.ViewHandle
import uniffi.splitline_bindings.initLogging

/** What the cases share: the gateway, bob's and carol's sessions (over HTTP), alice's client. */
class World(
    val gateway: String,
    val storePath: String,
    val password: String,
    val bobToken: String,
    val carolToken: String,
) {
    val config = ClientConfig(
        storePath = storePath,
        gatewayEndpoints = listOf(gateway),
        extraRootPem = null,
        jid = "alice@localhost",
        deviceId = "jvm-test",
        buildId = "jvm-test",
    )
    val client = SplitlineClient(config)
    private var sent = 0

    /** A request to the gateway's HTTP API in the session of `token`: its status and body. */
    fun http(token: String, method: String, path: String, body: String? = null): Pair<Int, String> {
        val publisher = body?.let { HttpRequest.BodyPublishers.ofString(it) } ?: HttpRequest.BodyPublishers.noBody()
        val request = HttpRequest.newBuilder(URI.create("$gateway$path"))
            .header("authorization", "Bearer $token")
            .header("content-type", "application/json")
            .method(method, publisher)
            .build()
        val response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString())
        return response.statusCode() to response.body()
    }

    /** Bob sends alice `body` through the gateway's HTTP API. */
    fun bobSays(body: String) {
        sent++
        val request = HttpRequest.newBuilder(URI.create("$gateway/v1/messages"))
            .header("authorization", "Bearer $bobToken")
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("""{"client_id":"jvm-case-$sent","to":"alice@localhost","body":"$body"}"""))
            .build()
        val response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 200..299) { "bob's message was refused: ${response.statusCode()} ${response.body()}" }
    }
}

private val cases = mutableListOf<Pair<String, World.() -> Boolean>>()

private fun case(name: String, body: World.() -> Boolean) {
    cases.add(name to body)
}

private fun waitFor(seconds: Long = 30, condition: () -> Boolean): Boolean {
    val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
    while (System.nanoTime() < deadline) {
        if (condition()) return true
        Thread.sleep(50)
    }
    return condition()
}

/** The exception `block` throws, or null. */
private inline fun thrown(block: () -> Unit): SplitlineException? =
    try {
        block()
        null
    } catch (e: SplitlineException) {
        e
    }

/** Records every diff a listener hears, with the thread it came on. */
class Heard<D> {
    val diffs = CopyOnWriteArrayList<D>()
    val threads = CopyOnWriteArrayList<String>()

    fun add(diff: D) {
        threads.add(Thread.currentThread().name)
        diffs.add(diff)
    }
}

private val handles = mutableListOf<ViewHandle>()
private var requestsHandle: Subscription? = null
private val chatList = Heard<ChatListDiff>()
private val timeline = Heard<TimelineDiff>()
private val contactList = Heard<ContactListDiff>()
private val requests = Heard<RequestsUpdate>()

/** The thread the cases run on (listeners must never be called there). */
private val mainThread = Thread.currentThread().name

/** Set while the slow listener is inside its call. */
@Volatile private var slowBusy = false
private val releaseSlow = CountDownLatch(1)

private fun defineCases() {
    case("toString of the config shows no password") {
        !config.toString().contains(password) && config.toString().contains("alice@localhost")
    }

    case("a wrong password is AuthFailed with its code, and the same client signs in with the right one") {
        val other = SplitlineClient(config.copy(storePath = "$storePath-other", deviceId = "jvm-test-other"))
        val wrong = "not-the-password-42"
        val refused = thrown { runBlocking { other.signIn(wrong, 30u) } }
        val refusedOk = refused is SplitlineException.AuthFailed && refused.code == "auth_failed"
        val noLeak = !refused.toString().contains(wrong) && !refused?.message.orEmpty().contains(wrong) &&
            !other.toString().contains(wrong) && other.status() == ClientStatus.AuthFailed
        runBlocking { other.signIn(password, 30u) }
        val online = other.status() == ClientStatus.Online
        runBlocking { other.signOff() }
        other.close()
        refusedOk && noLeak && online
    }

    case("the listeners give the stored rows before signing in, on a listener thread") {
        // Kept: a handle that is garbage-collected ends its subscription.
        handles += client.contacts().subscribe(
            100u,
            object : ContactListListener {
                override fun onUpdate(diff: ContactListDiff) = contactList.add(diff)
            },
        )
        handles += client.chats().subscribe(
            50u,
            object : ChatListListener {
                override fun onUpdate(diff: ChatListDiff) = chatList.add(diff)
            },
        )
        handles += client.timeline("bob@localhost").subscribe(
            20u,
            object : TimelineListener {
                override fun onUpdate(diff: TimelineDiff) = timeline.add(diff)
            },
        )
        requestsHandle = client.contacts().subscribeRequests(object : RequestsListener {
            override fun onUpdate(update: RequestsUpdate) = requests.add(update)
        })
        val heard = waitFor {
            contactList.diffs.size >= 1 && chatList.diffs.size >= 1 && timeline.diffs.size >= 1 && requests.diffs.size >= 1
        }
        val threads = contactList.threads + chatList.threads + timeline.threads + requests.threads
        println("  listener threads: ${threads.toSet()}")
        // JNA names the threads it attaches; the Rust test checks their native name.
        // Here: never the caller's thread, and one thread per subscription.
        heard && threads.none { it == mainThread } && threads.toSet().size == 4 &&
            requests.diffs[0].requests.isEmpty() && requests.diffs[0].ownPresence.availability == Availability.AVAILABLE
    }

    case("signIn takes the password and returns once online; the status listener hears each step") {
        val statuses = Heard<ClientStatus>()
        val handle = client.subscribeStatus(object : StatusListener {
            override fun onStatus(status: ClientStatus) = statuses.add(status)
        })
        val first = waitFor { statuses.diffs.size >= 1 }
        runBlocking { client.signIn(password, 30u) }
        val heardOnline = waitFor { statuses.diffs.lastOrNull() == ClientStatus.Online }
        handle.close()
        println("  statuses heard: ${statuses.diffs}")
        client.status() == ClientStatus.Online && first && heardOnline &&
            statuses.diffs.first() == ClientStatus.Stopped(null) && statuses.threads.none { it == mainThread }
    }

    case("the chat list reports bob's first message as an insert of his row") {
        waitFor {
            chatList.diffs.any { d ->
                d.ops.any { it is ChatRowOp.Insert && it.row.peer == "bob@localhost" && it.row.lastMessage?.body == "hello from bob" }
            }
        }
    }

    case("a second message from bob is an update of the same row, with the new last message and unread count") {
        val before = chatList.diffs.size
        bobSays("second from bob")
        val ok = waitFor {
            chatList.diffs.drop(before).any { d ->
                d.ops.any {
                    it is ChatRowOp.Update && it.index == 0u && it.row.peer == "bob@localhost" &&
                        it.row.lastMessage?.body == "second from bob" && it.row.unread == 2u
                } && d.changed == listOf("bob@localhost")
            }
        }
        if (!ok) println("  the chat list heard: ${chatList.diffs.drop(before)}")
        ok
    }

    case("a slow chat-list listener does not stop bob's messages from being stored") {
        val slow = client.chats().subscribe(
            50u,
            object : ChatListListener {
                override fun onUpdate(diff: ChatListDiff) {
                    slowBusy = true
                    releaseSlow.await(60, TimeUnit.SECONDS)
                    slowBusy = false
                }
            },
        )
        waitFor { slowBusy }
        bobSays("while the listener sleeps")
        val stored = waitFor {
            client.timeline("bob@localhost").messages(null, 50u).any { it.body == "while the listener sleeps" }
        }
        val stillBusy = slowBusy
        releaseSlow.countDown()
        slow.cancel()
        slow.close()
        stored && stillBusy
    }

    case("the timeline shows bob's messages, then a sent message as an insert at the end and its update to sent") {
        val bobs = waitFor {
            timeline.diffs.flatMap { it.ops }.any { it is MessageRowOp.Insert && it.row.body == "hello from bob" }
        }
        // Stopped, the message stays queued until the next sign-in: the insert
        // and the update cannot fold into one diff.
        runBlocking { client.stop() }
        val queued = client.timeline("bob@localhost").send("hello from kotlin")
        val shown = waitFor {
            timeline.diffs.flatMap { it.ops }.any {
                it is MessageRowOp.Insert && it.row.id == queued.id && it.row.status == MessageStatus.QUEUED
            }
        }
        runBlocking { client.signIn(password, 30u) }
        val sent = waitFor {
            timeline.diffs.any { d ->
                d.changed.contains(queued.id) &&
                    d.ops.any { it is MessageRowOp.Update && it.row.id == queued.id && it.row.status == MessageStatus.SENT }
            }
        }
        if (!(bobs && shown && sent)) println("  the timeline heard ($bobs $shown $sent): ${timeline.diffs}")
        bobs && queued.outgoing && shown && sent
    }

    case("marking the chat viewed clears its unread count, reported as an update") {
        val before = chatList.diffs.size
        client.chats().markViewed("bob@localhost") &&
            waitFor {
                chatList.diffs.drop(before).any { d ->
                    d.ops.any { it is ChatRowOp.Update && it.row.peer == "bob@localhost" && it.row.unread == 0u }
                }
            }
    }

    case("the contact list listener stays quiet when no contact changed") {
        // Alice has no contacts here; the first (empty) report was all.
        contactList.diffs.size == 1 && contactList.diffs[0].ops.isEmpty()
    }

    case("adding bob lists him as pending at once; once bob accepts he shows accepted, with presence") {
        val before = contactList.diffs.size
        val added = client.contacts().add("bob@localhost", "Bob")
        val listed = waitFor {
            contactList.diffs.drop(before).any { d ->
                d.ops.any { it is ContactRowOp.Insert && it.row.jid == "bob@localhost" && it.row.pending }
            }
        }
        // Bob can accept once alice's engine has sent the request.
        val accepted = waitFor { http(bobToken, "POST", "/v1/contacts/alice@localhost/accept").first in 200..299 }
        val shown = waitFor {
            client.contacts().list(0u, 10u).any {
                it.jid == "bob@localhost" && !it.pending && it.availability == Availability.AVAILABLE
            }
        }
        val heard = contactList.diffs.drop(before).any { d ->
            d.changed.contains("bob@localhost") && d.ops.any { it is ContactRowOp.Update && !it.row.pending }
        }
        if (!(listed && accepted && shown && heard)) println("  ($listed $accepted $shown $heard) ${client.contacts().list(0u, 10u)}")
        added.jid == "bob@localhost" && added.name == "Bob" && added.pending && listed && accepted && shown && heard
    }

    case("bob's request shows in alice's requests and their listener, and accepting it clears it") {
        // Bob accepting may already have asked back; asking again is harmless.
        http(bobToken, "POST", "/v1/contacts", """{"jid":"alice@localhost"}""")
        val seen = waitFor { client.contacts().requests().contains("bob@localhost") }
        val heard = waitFor { requests.diffs.any { it.requests.contains("bob@localhost") } }
        client.contacts().accept("bob@localhost")
        val cleared = !client.contacts().requests().contains("bob@localhost")
        val heardCleared = waitFor { requests.diffs.last().requests.isEmpty() }
        if (!(seen && heard && cleared && heardCleared)) println("  ($seen $heard $cleared $heardCleared) ${requests.diffs}")
        seen && heard && cleared && heardCleared
    }

    case("carol's request is seen and refused; it leaves the requests and no change failed") {
        val (status, body) = http(carolToken, "POST", "/v1/contacts", """{"jid":"alice@localhost","name":"Alice"}""")
        check(status in 200..299) { "carol's request was refused: $status $body" }
        val seen = waitFor { client.contacts().requests().contains("carol@localhost") }
        client.contacts().refuse("carol@localhost")
        val gone = !client.contacts().requests().contains("carol@localhost") &&
            client.contacts().list(0u, 10u).none { it.jid == "carol@localhost" }
        // Sent and answered: the engine's queue empties with no failure.
        Thread.sleep(1000)
        val noFailure = client.contacts().failures().isEmpty()
        seen && gone && noFailure
    }

    case("a presence set from Kotlin is alice's own presence at once and reaches bob with its status") {
        val before = requests.diffs.size
        client.contacts().setPresence(Availability.AWAY, "  on the jvm ")
        val own = client.contacts().ownPresence()
        val heard = waitFor {
            requests.diffs.drop(before).any { it.ownPresence.availability == Availability.AWAY && it.ownPresence.status == "on the jvm" }
        }
        val atBob = waitFor {
            val (status, body) = http(bobToken, "GET", "/v1/snapshot")
            status == 200 &&
                Regex(""""jid":"alice@localhost"[^}]*"presence":\{"availability":"away","status":"on the jvm"""").containsMatchIn(body)
        }
        if (!atBob) println("  bob's snapshot: ${http(bobToken, "GET", "/v1/snapshot").second}")
        own.availability == Availability.AWAY && own.status == "on the jvm" && heard && atBob
    }

    case("contacts' bad input is Invalid with no gateway code") {
        val own = thrown { client.contacts().add("alice@localhost", null) }
        val malformed = thrown { client.contacts().add("not-an-address", null) }
        val stranger = thrown { client.contacts().rename("nobody@localhost", "x") }
        val offline = thrown { client.contacts().setPresence(Availability.OFFLINE, null) }
        listOf(own, malformed, stranger, offline).all { it is SplitlineException.Invalid && it.code == null } &&
            (own as? SplitlineException.Invalid)?.details.orEmpty().contains("your own address")
    }

    case("rooms: create a room and see it listed") {
        val room = runBlocking { client.rooms().create("jvm room", listOf()) }
        room.name == "jvm room" && room.jid.endsWith("@conference.localhost") &&
            waitFor { client.rooms().list().any { it.jid == room.jid } }
    }

    case("a bad address is Invalid with no gateway code") {
        val error = thrown { client.timeline("not-an-address") }
        error is SplitlineException.Invalid && error.code == null && error.details.contains("not an address")
    }

    case("a request the gateway refuses carries the gateway's code") {
        // This gateway has calls off: its answer is 404 not_found.
        val error = thrown { runBlocking { client.calls().verifyMobileNumber("+447400123456") } }
        error is SplitlineException.NotFound && error.code == "not_found"
    }

    case("calls: plan a callback, and no route is CallNotPossible") {
        val ask = CallAsk(
            callee = CallCallee.Number("020 7946 0018"),
            preference = CallPreference.AUTOMATIC,
            device = CallDevice(false, DataNetwork.CELLULAR, false, "GB", "23415"),
            rules = CallRules(voipOverData = true, voipOnCellular = true, callback = true, accessNumbers = true),
            homeCountry = "GB",
            verifiedNumber = "+447400123456",
        )
        val plan = runBlocking { client.calls().plan(ask) }
        val noRoute = thrown { runBlocking { client.calls().plan(ask.copy(verifiedNumber = null)) } }
        plan.route == CallRoute.CALLBACK && plan.target == "+442079460018" &&
            noRoute is SplitlineException.CallNotPossible && noRoute.code == null
    }

    case("a timeline on a fresh store pages back to the chat's beginning, heard as inserts at the top") {
        // More than a new device's first catch-up keeps (the newest archive
        // page, 250): the oldest messages are only in the archive.
        repeat(300) { bobSays("filler $it") }
        val fresh = SplitlineClient(config.copy(storePath = "$storePath-fresh", deviceId = "jvm-test-fresh"))
        runBlocking { fresh.signIn(password, 30u) }
        val chat = fresh.timeline("bob@localhost")
        val heard = Heard<TimelineDiff>()
        val handle = chat.subscribe(
            1u,
            object : TimelineListener {
                override fun onUpdate(diff: TimelineDiff) = heard.add(diff)
            },
        )
        waitFor { heard.diffs.size >= 1 }
        // The first catch-up stores the newest archive page (Prosody serves
        // 50 a page); paging starts after it.
        waitFor(60) { chat.messages(null, 500u).size >= 50 }
        val storedAtFirst = chat.messages(null, 500u).map { it.body }
        println("  the fresh store holds ${storedAtFirst.size} rows of the chat at first")
        val pages = mutableListOf<PageBackInfo>()
        do {
            pages += runBlocking { chat.pageBack(100u) }
        } while (pages.last().end == PageBackEnd.More && pages.size < 20)
        val bodies = pages.flatMap { it.messages }.map { it.body }
        val atTop = waitFor {
            heard.diffs.drop(1).any { d ->
                d.ops.any { it is MessageRowOp.Insert && it.index == 0u && it.row.body == "hello from bob" }
            }
        }
        val badLimit = thrown { runBlocking { chat.pageBack(0u) } }
        handle.close()
        runBlocking { fresh.signOff() }
        fresh.close()
        if (!(atTop && "hello from bob" in bodies)) println("  pages: $pages; heard: ${heard.diffs}")
        val beyondTheStore = "hello from bob" !in storedAtFirst
        val onceEach = bodies.size == bodies.toSet().size
        pages.last().end == PageBackEnd.Beginning && "hello from bob" in bodies && atTop && beyondTheStore && onceEach &&
            badLimit is SplitlineException.Invalid && badLimit.code == null
    }

    case("bob's vCard number matches an imported native contact written locally: lookup names bob, a free network call") {
        val (status, body) = http(bobToken, "PUT", "/v1/vcard", """{"numbers":["+442079460123"]}""")
        check(status in 200..299) { "bob's vCard was refused: $status $body" }
        val book = client.addressBook()
        val report = book.import(
            listOf(NativeContactInfo("native-1", "Bobby", listOf(NativeNumberInfo("work", "020 7946 0123")))),
            "GB",
        )
        val ask = CallAsk(
            callee = CallCallee.Number("020 7946 0123"),
            preference = CallPreference.AUTOMATIC,
            device = CallDevice(false, DataNetwork.CELLULAR, false, "GB", "23415"),
            rules = CallRules(voipOverData = true, voipOnCellular = true, callback = true, accessNumbers = false),
            homeCountry = "GB",
            verifiedNumber = "+447400123456",
        )
        val free = waitFor {
            runBlocking { book.refreshContactPhones() } >= 1u &&
                runBlocking { book.lookup(ask) }.cost == CallCostInfo.FreeNetworkCall("bob@localhost")
        }
        val lookup = runBlocking { book.lookup(ask) }
        val caller = book.callerName("+442079460123")
        val matched = book.matches().any { it.jid == "bob@localhost" && it.nativeId == "native-1" && it.e164 == "+442079460123" }
        if (!free) println("  the lookup: $lookup")
        report.added == 1u && report.unread.isEmpty() && free && lookup.number == "+442079460123" &&
            lookup.native.map { it.name } == listOf("Bobby") && lookup.contacts.map { it.jid } == listOf("bob@localhost") &&
            caller?.label == "Bobby" && matched
    }

    case("the address book's bad input is Invalid with no gateway code") {
        val book = client.addressBook()
        val country = thrown { book.import(listOf(), "XX") }
        val contact = thrown {
            runBlocking {
                book.lookup(
                    CallAsk(
                        callee = CallCallee.Contact("bob@localhost"),
                        preference = CallPreference.AUTOMATIC,
                        device = CallDevice(false, DataNetwork.CELLULAR, false, "GB", "23415"),
                        rules = CallRules(voipOverData = true, voipOnCellular = true, callback = true, accessNumbers = false),
                        homeCountry = "GB",
                        verifiedNumber = null,
                    ),
                )
            }
        }
        val number = thrown { book.callerName("not a number") }
        // The import refused leaves the address book as it was.
        listOf(country, contact, number).all { it is SplitlineException.Invalid && it.code == null } &&
            book.matches().any { it.jid == "bob@localhost" }
    }

    case("signOff ends the session; the store stays readable") {
        runBlocking { client.signOff() }
        client.status() == ClientStatus.Stopped(null) &&
            client.timeline("bob@localhost").messages(null, 50u).isNotEmpty() &&
            !client.toString().contains(password)
    }
}

fun main(args: Array<String>) {
    val (gateway, storePath, password, bobToken, carolToken) = args
    initLogging("warn")
    val world = World(gateway, storePath, password, bobToken, carolToken)
    defineCases()
    var failed = 0
    for ((name, body) in cases) {
        val ok = try {
            world.body()
        } catch (e: Throwable) {
            println("  threw: $e")
            false
        }
        println(if (ok) "ok: $name" else "FAILED: $name")
        if (!ok) failed++
    }
    world.client.close()
    println("${cases.size - failed} passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
